import ArgumentParser
import Folio
import Foundation

struct NewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Write a small working notebook to start from.",
        discussion: """
            Writes NAME.md (NAME may include a folder): front matter, prose, inline math and values, an \
            experiment on a generated data set, a plot, a table and a claim. It builds in seconds: \
            folio build NAME.md. An existing file is never overwritten.
            """)

    @Argument(help: "The notebook to create, e.g. demo or notebooks/demo.md.")
    var name: String

    func validate() throws {
        let base = (name as NSString).lastPathComponent.replacingOccurrences(of: ".md", with: "")
        guard !base.isEmpty, base.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw ValidationError("the notebook's name '\(base)' may hold only letters, digits, '-' and '_' (it names the experiment too)")
        }
    }

    func run() throws {
        let path = name.hasSuffix(".md") ? name : name + ".md"
        let id = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        guard !FileManager.default.fileExists(atPath: path) else {
            printError("folio: error: \(path) already exists; choose another name (nothing was written)")
            throw ExitCode(2)
        }
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        let title = id.replacingOccurrences(of: "-", with: " ").replacingOccurrences(of: "_", with: " ").capitalized
        // withoutOverwriting: a file created since the check above is not replaced either.
        do {
            try Data(NotebookTemplate.text(title: title, id: id).utf8).write(to: URL(fileURLWithPath: path), options: .withoutOverwriting)
        } catch {
            printError("folio: error: cannot write \(path): \(error.localizedDescription)")
            throw ExitCode(2)
        }
        printError("wrote \(path); build it with: folio build \(path)")
    }
}
