import Foundation

/// What identifies one version of a file: size, modification time and inode (an editor that
/// saves by renaming a new file over the old one changes the inode). Missing files compare
/// equal to each other (size -1).
public struct FileStamp: Codable, Hashable, Sendable {
    public var size: Int64 = -1, seconds: Int = 0, nanoseconds: Int = 0, inode: UInt64 = 0

    public init(_ url: URL) {
        var info = stat()
        guard stat(url.path, &info) == 0 else { return }
        size = Int64(info.st_size)
        inode = UInt64(info.st_ino)
        #if os(macOS)
        seconds = info.st_mtimespec.tv_sec
        nanoseconds = info.st_mtimespec.tv_nsec
        #else
        seconds = info.st_mtim.tv_sec
        nanoseconds = info.st_mtim.tv_nsec
        #endif
    }
}
