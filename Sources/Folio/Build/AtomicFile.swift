import Foundation

/// Every file a build writes goes through here: to a temporary file beside it, then renamed
/// over the old one, so a reader never sees half a file. One lock is held while a file is
/// written, so that an interrupted program can wait for the write under way and exit
/// leaving neither a half-written file nor a stray temporary one.
public enum AtomicFile {
    private static let lock = NSLock()

    /// Writes `data` to `url` atomically.
    static func write(_ data: Data, to url: URL) throws {
        try lock.withLock { try data.write(to: url, options: .atomic) }
    }

    /// Moves a finished temporary file over `destination` in one step (rename(2)); the
    /// system's message when it cannot, else nil.
    static func rename(_ temporary: URL, to destination: URL) -> String? {
        lock.withLock {
            Foundation.rename(temporary.path, destination.path) == 0 ? nil : String(cString: strerror(errno))
        }
    }

    /// Runs `body` while no file is being written, and keeps any write from starting until it
    /// returns; Ctrl-C handlers call `exit` inside it.
    public static func whileNoWriteIsUnderWay<Result>(_ body: () -> Result) -> Result {
        lock.withLock(body)
    }
}
