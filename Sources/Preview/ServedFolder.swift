import Foundation

/// The folder a preview serves, and the one place a request's path becomes a file.
///
/// Only regular files inside the folder are served. The path is percent-decoded once and
/// then split; any `.` or `..` segment, any hidden name, a NUL byte or a backslash makes the
/// request unanswerable (404), whatever the decoding produced (`%2e%2e`, `..%2f`). A path
/// that is fine as text but reaches outside through a symbolic link is refused after the
/// link is resolved.
struct ServedFolder: Sendable {
    /// The folder, with its own symbolic links resolved.
    let root: String

    init(_ folder: URL) {
        root = Self.realPath(folder.path) ?? folder.standardizedFileURL.path
    }

    /// The file a percent-encoded request path names, or nil when it names none that may be
    /// served. A folder stands for its `index.html`.
    func file(forRequestPath encodedPath: String) -> URL? {
        guard let path = encodedPath.removingPercentEncoding, path.hasPrefix("/"),
              !path.contains("\0"), !path.contains("\\") else { return nil }
        var segments: [Substring] = []
        for segment in path.split(separator: "/") {
            guard !segment.hasPrefix(".") else { return nil }
            segments.append(segment)
        }
        var candidate = segments.reduce(root) { $0 + "/" + $1 }
        if isDirectory(candidate) { candidate += "/index.html" }
        guard let resolved = Self.realPath(candidate), resolved.hasPrefix(root + "/"), isRegularFile(resolved) else { return nil }
        return URL(fileURLWithPath: resolved)
    }

    private func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    private func isRegularFile(_ path: String) -> Bool {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType == .typeRegular
    }

    /// The path with every symbolic link resolved; nil when it does not exist.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The media type of a file by its extension.
    static func contentType(of file: URL) -> String {
        switch file.pathExtension.lowercased() {
        case "html": "text/html; charset=utf-8"
        case "svg": "image/svg+xml"
        case "json": "application/json"
        case "pdf": "application/pdf"
        case "png": "image/png"
        case "css": "text/css; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "txt", "md": "text/plain; charset=utf-8"
        default: "application/octet-stream"
        }
    }
}
