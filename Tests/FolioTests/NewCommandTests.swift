import Foundation
import Testing

/// `folio new`: a notebook that builds at once, and no file overwritten.
@Suite struct NewCommandTests {
    @Test func newNotebookBuildsAndItsClaimHolds() throws {
        let directory = TemporaryDirectory()
        let created = try FolioProcess.run(["new", "notes/demo"], in: directory.url)
        #expect(created.status == 0)
        #expect(created.standardError == "wrote notes/demo.md; build it with: folio build notes/demo.md\n")
        let checked = try FolioProcess.run(["check", "notes/demo.md"], in: directory.url)
        #expect(checked.status == 0, "\(checked.standardError)")
        #expect(checked.standardError.contains("(2 run(s) trained; 1 of 1 claim(s) hold)"))
        let html = try String(contentsOf: directory.url.appendingPathComponent("output/demo.html"), encoding: .utf8)
        #expect(html.contains("<h1 class=\"title\">Demo</h1>"))
        #expect(html.contains("<a class=\"xref\" href=\"#fig-curves\">Figure 1</a>"))
    }

    @Test func anExistingFileIsNeverOverwritten() throws {
        let directory = TemporaryDirectory()
        let existing = directory.write("demo.md", Array("# Mine\n".utf8))
        let result = try FolioProcess.run(["new", "demo"], in: directory.url)
        #expect(result.status == 2)
        #expect(result.standardError == "folio: error: demo.md already exists; choose another name (nothing was written)\n")
        #expect(try String(contentsOf: existing, encoding: .utf8) == "# Mine\n")
    }

    @Test func namesMustBeUsableAsExperimentIDs() throws {
        let directory = TemporaryDirectory()
        let result = try FolioProcess.run(["new", "my notes"], in: directory.url)
        #expect(result.status == 2)
        #expect(result.standardError.hasPrefix("Error: the notebook's name 'my notes' may hold only letters, digits, '-' and '_'"))
    }
}

/// `folio build DIR` writes an index of the folder's notebooks beside their reports.
@Suite struct IndexPageTests {
    @Test func indexListsEachNotebookWithItsState() throws {
        let directory = TemporaryDirectory()
        _ = try FolioProcess.run(["new", "nb/alpha"], in: directory.url)
        directory.write("nb/beta.md", Array("---\ntitle: Broken <one>\n---\n\n```{plot}\nruns: x\n```\n".utf8))
        let result = try FolioProcess.run(["build", "nb"], in: directory.url)
        #expect(result.status == 2)
        let index = try String(contentsOf: directory.url.appendingPathComponent("output/index.html"), encoding: .utf8)
        #expect(index.contains("<title>Notebooks in nb</title>"))
        #expect(index.contains("<tr class=\"pass\"><th scope=\"row\"><a href=\"alpha.html\">Alpha</a></th><td><code>alpha.md</code></td><td>20"))
        #expect(index.contains(" UTC</td><td>all 1 hold</td></tr>"))
        #expect(index.contains("<tr class=\"fail\"><th scope=\"row\">Broken &lt;one&gt;</th><td><code>beta.md</code></td>"
            + "<td>never built; last build stopped by 1 error</td><td>no claims</td></tr>"))
    }

    @Test func aSingleNotebookGetsNoIndex() throws {
        let directory = TemporaryDirectory()
        _ = try FolioProcess.run(["new", "alpha"], in: directory.url)
        _ = try FolioProcess.run(["build", "alpha.md"], in: directory.url)
        #expect(!FileManager.default.fileExists(atPath: directory.url.appendingPathComponent("output/index.html").path))
    }
}
