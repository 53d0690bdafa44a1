import Foundation

/// The notebooks a command names: files, and the Markdown files of named folders. A set that
/// names a folder gets an index page (`index.html`) beside its reports.
public struct NotebookSet: Sendable {
    /// One notebook: where it is, and the path to show in messages.
    public struct Member: Sendable, Hashable {
        public var url: URL
        public var displayPath: String
        /// The file name without `.md`, which names its report.
        public var name: String { url.deletingPathExtension().lastPathComponent }
    }

    public private(set) var members: [Member]
    /// The folders named, which the index page is titled after; empty for files only.
    public private(set) var folders: [String]

    /// The notebooks of `paths` (`notebooks/` when empty), each folder's sorted by name; a
    /// message naming what is missing when a path does not exist or nothing is found.
    public static func find(_ paths: [String]) -> Result<NotebookSet, Failure> {
        var members: [Member] = [], folders: [String] = []
        for path in paths.isEmpty ? ["notebooks"] : paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                return .failure(Failure(message: "\(path): no such file or folder"))
            }
            guard isDirectory.boolValue else {
                members.append(Member(url: URL(fileURLWithPath: path), displayPath: path))
                continue
            }
            folders.append(path)
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { $0.hasSuffix(".md") }.sorted()
            members += names.map {
                Member(url: URL(fileURLWithPath: path).appendingPathComponent($0), displayPath: (path as NSString).appendingPathComponent($0))
            }
        }
        guard !members.isEmpty else {
            return .failure(Failure(message: "no notebooks (.md files) in \(paths.isEmpty ? "notebooks" : paths.joined(separator: ", "))"))
        }
        return .success(NotebookSet(members: members, folders: folders))
    }

    /// Why the named paths hold no notebook.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var message: String
        public var description: String { message }
    }

    /// Writes `<output>/index.html` for the set's folders from each member's last build
    /// (`summaries` by member; a member without one shows as never built). Does nothing when
    /// the set names no folder.
    public func writeIndex(_ summaries: [Member: BuildSummary], output: URL) throws {
        guard !folders.isEmpty else { return }
        let entries = members.map { member in
            let summary = summaries[member]
            let errors = summary.map { $0.exitCode == 2 ? max($0.diagnostics.filter { $0.severity == .error }.count, 1) : 0 } ?? 0
            return IndexPage.Entry(
                name: member.name, title: summary?.title ?? member.name,
                built: Self.modificationDate(output.appendingPathComponent(member.name + ".html")),
                claimsHeld: summary.map { $0.claimCount - $0.failedClaims.count } ?? 0, claimCount: summary?.claimCount ?? 0,
                errorCount: errors, hasPDF: FileManager.default.fileExists(atPath: output.appendingPathComponent(member.name + ".pdf").path))
        }
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        let page = IndexPage.render(folder: folders.joined(separator: ", "), entries: entries)
        try AtomicFile.write(Data(page.utf8), to: output.appendingPathComponent("index.html"))
    }

    /// When `file` was last written; nil when it does not exist.
    public static func modificationDate(_ file: URL) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: file.path))?[.modificationDate] as? Date
    }
}
