import Foundation
import NeuralNet

/// Where a data set's files are.
enum DataLocation {
    /// The folder a spec reads from: its `path`, else `$FOLIO_DATA/<name>`, else the default.
    static func directory(for source: DataSource, path: String?, baseDirectory: URL) -> String {
        if let path { return path.hasPrefix("/") ? path : baseDirectory.appendingPathComponent(path).path }
        let root = ProcessInfo.processInfo.environment["FOLIO_DATA"]
        let directory = source.defaultDirectory(dataRoot: root)
        return directory.hasPrefix("/") ? directory : baseDirectory.appendingPathComponent(directory).path
    }

    /// The regular files of the folder (and CIFAR's sub-folder), sorted by name; none for a
    /// generated data set.
    static func files(for source: DataSource, directory: String) -> [(path: String, name: String)] {
        guard !source.isSynthetic else { return [] }
        var files: [(String, String)] = []
        for folder in [directory, directory + "/cifar-10-batches-bin"] {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { continue }
            for name in names.sorted() {
                let path = folder + "/" + name
                guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                      attributes[.type] as? FileAttributeType == .typeRegular else { continue }
                files.append((path, name))
            }
        }
        return files
    }
}
