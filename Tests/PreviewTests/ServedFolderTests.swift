import Foundation
import Testing
import TestSupport
@testable import Preview

/// The one place a request path becomes a file: only regular files inside the folder.
@Suite struct ServedFolderTests {
    /// `out/` with a report, a figure, a hidden file and links pointing out of it, beside a
    /// file that must never be served.
    static func folder() -> TemporaryDirectory {
        let directory = TemporaryDirectory()
        directory.write("out/report.html", Array("<p>report</p>".utf8))
        directory.write("out/index.html", Array("<p>index</p>".utf8))
        directory.write("out/report/figure-1.svg", Array("<svg/>".utf8))
        directory.write("out/.hidden", Array("hidden".utf8))
        directory.write("secret.txt", Array("secret".utf8))
        let out = directory.url.appendingPathComponent("out")
        try! FileManager.default.createSymbolicLink(atPath: out.appendingPathComponent("outside").path, withDestinationPath: directory.url.path)
        try! FileManager.default.createSymbolicLink(
            atPath: out.appendingPathComponent("leak.txt").path, withDestinationPath: directory.url.appendingPathComponent("secret.txt").path)
        try! FileManager.default.createSymbolicLink(atPath: out.appendingPathComponent("inside.svg").path, withDestinationPath: "report/figure-1.svg")
        return directory
    }

    static let cases: [(path: String, file: String?)] = [
        ("/report.html", "report.html"),
        ("/", "index.html"),
        ("/report/figure-1.svg", "report/figure-1.svg"),
        ("/report%2Ffigure-1.svg", "report/figure-1.svg"),
        ("//report.html", "report.html"),
        ("/inside.svg", "report/figure-1.svg"),
        ("/../secret.txt", nil),
        ("/report/../../secret.txt", nil),
        ("/%2e%2e/secret.txt", nil),
        ("/%2E%2E%2Fsecret.txt", nil),
        ("/..%2fsecret.txt", nil),
        ("/%252e%252e/secret.txt", nil),
        ("/./report.html", nil),
        ("/.hidden", nil),
        ("/outside/secret.txt", nil),
        ("/leak.txt", nil),
        ("/etc/passwd", nil),
        ("/\(FileManager.default.temporaryDirectory.path)/secret.txt", nil),
        ("http://127.0.0.1/report.html", nil),
        ("report.html", nil),
        ("/report.html%00.svg", nil),
        ("/..\\secret.txt", nil),
        ("/report", nil),
        ("/missing.html", nil),
        ("/%zz", nil),
    ]

    @Test(arguments: cases)
    func requestPathsResolveOnlyInsideTheFolder(path: String, file: String?) {
        let directory = Self.folder()
        let served = ServedFolder(directory.url.appendingPathComponent("out"))
        let expected = file.map { ServedFolder.realPath(directory.url.appendingPathComponent("out/" + $0).path)! }
        #expect(served.file(forRequestPath: path)?.path == expected, "\(path)")
    }

    @Test func theScriptGoesBeforeTheLastClosingBody() {
        #expect(LiveScript.inject(into: "<body><p>a</p></body></html>") == "<body><p>a</p>\(LiveScript.tag)</body></html>")
        #expect(LiveScript.inject(into: "<p>code: &lt;/body&gt;</p></body>") == "<p>code: &lt;/body&gt;</p>\(LiveScript.tag)</body>")
        #expect(LiveScript.inject(into: "<p>no body</p>") == "<p>no body</p>\(LiveScript.tag)")
    }

    @Test func excerptsPointAtTheColumn() {
        let directory = TemporaryDirectory()
        directory.write("n.md", Array("---\ntitle: x\n---\n\tmodel: [dense 3, batchnrom]\n".utf8))
        var cache: [String: [Substring]] = [:]
        let excerpt = SourceExcerpt.excerpt(.init(file: "n.md", line: 4, column: 20), relativeTo: directory.url, cache: &cache)
        #expect(excerpt == "4 |  model: [dense 3, batchnrom]\n  |                    ^")
        #expect(SourceExcerpt.excerpt(.init(file: "n.md", line: 9, column: 1), relativeTo: directory.url, cache: &cache) == nil)
        #expect(SourceExcerpt.excerpt(.init(file: "gone.md", line: 1, column: 1), relativeTo: directory.url, cache: &cache) == nil)
        // A column past the end of the line points just after it.
        #expect(SourceExcerpt.excerpt(.init(file: "n.md", line: 2, column: 80), relativeTo: directory.url, cache: &cache)
            == "2 | title: x\n  |         ^")
    }
}
