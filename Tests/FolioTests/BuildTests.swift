import Foundation
import Testing

/// `folio build` and `folio check` on a small synthetic notebook, end to end.
@Suite struct BuildTests {
    static let notebook = """
        ---
        title: Cache test
        seed: 3
        params:
          epochs: 2
        defaults:
          dataset: spirals
          epochs: $epochs
        ---

        # Cache test

        Prose that will be edited. Inline math $`\\mu_B = \\frac{1}{m} \\sum_{i=1}^{m} x_i`$.

        ```math
        \\hat{x}_i = \\frac{x_i - \\mu_B}{\\sqrt{\\sigma_B^2 + \\epsilon}}
        ```

        ```{experiment} first
        model: [dense 16, batchnorm, relu, dense 3]
        optimizer: adam
        repeat: 2
        record: [steps, test]
        ```

        ```{experiment} second
        model: [dense 8, relu, dense 3]
        sweep:
          batch_size: [16, 64]
        ```

        ```{model} first
        ```

        ```{plot}
        runs: [first, second]
        y: [val_accuracy, loss]
        panels: metric
        ```

        ```{plot}
        runs: second
        x: batch_size
        log_x: true
        ```

        ```{table}
        runs: "*"
        columns: [val_accuracy, best(val_accuracy), std(val_accuracy)]
        ```

        ```{table}
        runs: first
        columns: [test_accuracy, test_loss, "val_loss[1]"]
        ```

        First reached `{= first.val_accuracy | percent}`; the larger batch `{= second/batch_size=64.val_accuracy | fixed(3)}`.

        ```{expect}
        first.val_accuracy > 0.3
        best(second/batch_size=16.val_accuracy) >= second/batch_size=16.val_accuracy
        ```
        """

    /// A fresh folder holding the notebook.
    func project(_ text: String = notebook) -> TemporaryDirectory {
        let directory = TemporaryDirectory()
        directory.write("notes.md", Array(text.utf8))
        return directory
    }

    /// The runs a build says it trained.

    @Test func secondBuildAndProseEditTrainNothing() throws {
        let directory = project()
        let first = try FolioProcess.run(["build", "notes.md"], in: directory.url)
        #expect(first.status == 0, "\(first.standardError)")
        #expect(first.trainedRuns == 3)
        let html = directory.url.appendingPathComponent("output/notes.html")
        #expect(FileManager.default.fileExists(atPath: html.path))
        #expect(FileManager.default.fileExists(atPath: directory.url.appendingPathComponent("output/notes.json").path))
        #expect(FileManager.default.fileExists(atPath: directory.url.appendingPathComponent("output/notes/figure-2.svg").path))

        let start = Date()
        let second = try FolioProcess.run(["build", "notes.md"], in: directory.url)
        #expect(Date().timeIntervalSince(start) < 1)
        #expect(second.trainedRuns == 0, "\(second.standardError)")

        directory.write("notes.md", Array(Self.notebook.replacingOccurrences(of: "Prose that will be edited.", with: "Edited prose.").utf8))
        let edited = try FolioProcess.run(["build", "notes.md"], in: directory.url)
        #expect(edited.trainedRuns == 0)
        #expect(try String(contentsOf: html, encoding: .utf8).contains("Edited prose."))
    }

    @Test func changingOneExperimentRetrainsOnlyItsRuns() throws {
        let directory = project()
        _ = try FolioProcess.run(["build", "notes.md"], in: directory.url)
        directory.write("notes.md", Array(Self.notebook.replacingOccurrences(of: "model: [dense 8, relu, dense 3]", with: "model: [dense 9, relu, dense 3]").utf8))
        let result = try FolioProcess.run(["build", "notes.md"], in: directory.url)
        #expect(result.trainedRuns == 2, "\(result.standardError)")
        #expect(result.standardError.contains("training second/batch_size=16"))
        #expect(!result.standardError.contains("training first"))
    }

    @Test func setOverridesAParamAndTrainsAgain() throws {
        let directory = project()
        _ = try FolioProcess.run(["build", "notes.md"], in: directory.url)
        let result = try FolioProcess.run(["build", "notes.md", "--set", "epochs=1"], in: directory.url)
        #expect(result.trainedRuns == 3)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.url.appendingPathComponent("output/notes.json"))) as! [String: Any]
        let runs = json["runs"] as! [[String: Any]]
        #expect((runs[0]["seeds"] as! [[String: Any]])[0]["epochs"].map { ($0 as! [Any]).count } == 1)
    }

    @Test func corruptCacheEntryIsRecomputed() throws {
        let directory = project()
        _ = try FolioProcess.run(["build", "notes.md"], in: directory.url)
        let cache = directory.url.appendingPathComponent(".folio/runs")
        let entries = try FileManager.default.contentsOfDirectory(atPath: cache.path).sorted()
        #expect(entries.count == 4)  // two seeds of first, two runs of second
        // Change one number inside a record: the checksum no longer matches.
        let victim = cache.appendingPathComponent(entries[0])
        var text = try String(contentsOf: victim, encoding: .utf8)
        let range = text.range(of: #""loss":\d"#, options: .regularExpression)!
        text.replaceSubrange(range, with: "\"loss\":7")
        try text.write(to: victim, atomically: true, encoding: .utf8)
        // The results file written beside the report would supply the run (it is frozen).
        let results = directory.url.appendingPathComponent("output/notes.json")
        try FileManager.default.removeItem(at: results)
        let afterEdit = try FolioProcess.run(["build", "notes.md"], in: directory.url)
        #expect(afterEdit.trainedRuns == 1, "\(afterEdit.standardError)")
        // A truncated file likewise.
        try Data("{\"key\":".utf8).write(to: victim)
        try FileManager.default.removeItem(at: results)
        let afterTruncation = try FolioProcess.run(["build", "notes.md"], in: directory.url)
        #expect(afterTruncation.trainedRuns == 1)
        #expect(afterTruncation.status == 0)
    }

    @Test func checkFailsOnAFalseClaimAndTheReportShowsIt() throws {
        let text = Self.notebook.replacingOccurrences(of: "first.val_accuracy > 0.3", with: "first.val_accuracy > 1.5")
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0 == "first.val_accuracy > 1.5" }! + 1
        let directory = project(text)
        let build = try FolioProcess.run(["build", "notes.md"], in: directory.url)
        #expect(build.status == 0)
        #expect(build.standardError.contains("warning: claim failed: first.val_accuracy > 1.5"))
        let check = try FolioProcess.run(["check", "notes.md"], in: directory.url)
        #expect(check.status == 1)
        #expect(check.standardError.contains("notes.md:\(line):1: error: claim failed: first.val_accuracy > 1.5 ("), "\(check.standardError)")
        let html = try String(contentsOf: directory.url.appendingPathComponent("output/notes.html"), encoding: .utf8)
        #expect(html.contains("<li class=\"fail\"><span class=\"verdict\">✗ FAILS</span> <code>first.val_accuracy &gt; 1.5</code>"))
        #expect(html.contains("<li class=\"pass\">"))
    }

    @Test func coldBuildsAreByteIdentical() throws {
        let first = project(), second = project()
        _ = try FolioProcess.run(["build", "notes.md"], in: first.url)
        _ = try FolioProcess.run(["build", "notes.md", "--jobs", "2"], in: second.url)
        let a = try Data(contentsOf: first.url.appendingPathComponent("output/notes.html"))
        let b = try Data(contentsOf: second.url.appendingPathComponent("output/notes.html"))
        #expect(a == b)
        let figureA = try Data(contentsOf: first.url.appendingPathComponent("output/notes/figure-1.svg"))
        let figureB = try Data(contentsOf: second.url.appendingPathComponent("output/notes/figure-1.svg"))
        #expect(figureA == figureB)
    }

    @Test func reportContainsEveryPart() throws {
        let directory = project()
        _ = try FolioProcess.run(["build", "notes.md"], in: directory.url)
        let html = try String(contentsOf: directory.url.appendingPathComponent("output/notes.html"), encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(!html.contains("<script"))
        #expect(html.contains("<math display=\"block\">"))
        #expect(html.contains("<mfrac>"))
        #expect(html.contains("<figure id=\"figure-2\">"))
        #expect(html.contains("<strong>Table 1.</strong>"))
        #expect(html.contains("<th scope=\"row\">dense 16</th><td>16</td><td>12,560</td>") == false)
        #expect(html.contains("<th scope=\"row\">dense 16</th><td>16</td><td>48</td>"))
        #expect(html.contains("class=\"value\">"))
        #expect(!html.contains("{="))
    }

    @Test func cleanDeletesTheCache() throws {
        let directory = project()
        _ = try FolioProcess.run(["build", "notes.md"], in: directory.url)
        let clean = try FolioProcess.run(["clean"], in: directory.url)
        #expect(clean.status == 0)
        #expect(!FileManager.default.fileExists(atPath: directory.url.appendingPathComponent(".folio").path))
        // The results committed beside the report still hold every run.
        let frozen = try FolioProcess.run(["build", "notes.md"], in: directory.url)
        #expect(frozen.trainedRuns == 0)
        #expect(frozen.standardError.hasPrefix("3 runs: 0 cached, 3 frozen, 0 to train\n"), "\(frozen.standardError)")
        let rebuilt = try FolioProcess.run(["build", "notes.md", "--refresh"], in: directory.url)
        #expect(rebuilt.trainedRuns == 3)
    }

    /// A preview in the cache whose contents were changed no longer matches its checksum:
    /// it is made again instead of shown.
    @Test func editedDatasetPreviewIsRebuilt() throws {
        let directory = project("# Data\n\n```{dataset} spirals\n```\n")
        _ = try FolioProcess.run(["build", "notes.md"], in: directory.url)
        let page = directory.url.appendingPathComponent("output/notes.html")
        let original = try String(contentsOf: page, encoding: .utf8)
        let previews = directory.url.appendingPathComponent(".folio/datasets")
        let files = try FileManager.default.contentsOfDirectory(atPath: previews.path)
        #expect(files.count == 1)
        let entry = previews.appendingPathComponent(files[0])
        // Still valid JSON, with the first class's count changed.
        let text = try String(contentsOf: entry, encoding: .utf8)
        let edited = text.replacingOccurrences(of: "\"trainingCounts\":[", with: "\"trainingCounts\":[12345")
        #expect(edited != text)
        try Data(edited.utf8).write(to: entry)
        let rebuilt = try FolioProcess.run(["build", "notes.md"], in: directory.url)
        #expect(rebuilt.status == 0, "\(rebuilt.standardError)")
        #expect(try String(contentsOf: page, encoding: .utf8) == original)
    }

    /// A link with a `javascript:` address keeps its text and loses the link.
    @Test func unsafeLinksAreDropped() throws {
        let directory = project("# Links\n\n[click](javascript:alert(1)) [ok](https://example.org)\n")
        _ = try FolioProcess.run(["build", "notes.md"], in: directory.url)
        let html = try String(contentsOf: directory.url.appendingPathComponent("output/notes.html"), encoding: .utf8)
        #expect(html.contains("<p>click <a href=\"https://example.org\">ok</a></p>"))
        #expect(!html.contains("javascript"))
    }

    @Test func rawHTMLIsDroppedUnlessTheNotebookOptsIn() throws {
        let text = "---\ntitle: t\n---\n\nSafe <script>alert(1)</script> text.\n\n<div class=\"x\">block</div>\n"
        let directory = project(text)
        _ = try FolioProcess.run(["build", "notes.md"], in: directory.url)
        let html = try String(contentsOf: directory.url.appendingPathComponent("output/notes.html"), encoding: .utf8)
        #expect(!html.contains("<script>") && !html.contains("<div class=\"x\">"))
        directory.write("notes.md", Array(text.replacingOccurrences(of: "title: t", with: "title: t\nunsafe_html: true").utf8))
        _ = try FolioProcess.run(["build", "notes.md"], in: directory.url)
        let unsafe = try String(contentsOf: directory.url.appendingPathComponent("output/notes.html"), encoding: .utf8)
        #expect(unsafe.contains("<div class=\"x\">"))
    }
}

/// A notebook that trains a CNN on CIFAR-10 files (generated: 8 images per batch file).
@Suite struct CIFARNotebookTests {
    @Test func trainsACNNOnCIFARFromAPath() throws {
        let directory = TemporaryDirectory()
        for (index, name) in ["data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5", "test_batch"].enumerated() {
            let records: [UInt8] = (0..<8).flatMap { (image: Int) -> [UInt8] in
                let pixels: [UInt8] = (0..<3072).map { UInt8((image * 31 + index * 7 + $0) % 256) }
                return [UInt8((image + index) % 10)] + pixels
            }
            directory.write("cifar/\(name).bin", records)
        }
        let notebook = """
            ---
            title: CIFAR
            ---

            ```{experiment} small
            dataset: cifar10
            path: cifar
            validation: 8
            epochs: 1
            batch_size: 4
            record: [test]
            model: [conv 4 3x3, batchnorm, relu, maxpool 2, conv 8 3x3 stride 2, relu, flatten, dense 10]
            ```

            ```{model} small
            ```

            Test accuracy `{= small.test_accuracy | percent}`.
            """
        directory.write("c.md", Array(notebook.utf8))
        let result = try FolioProcess.run(["check", "c.md"], in: directory.url)
        #expect(result.status == 0, "\(result.standardError)")
        let html = try String(contentsOf: directory.url.appendingPathComponent("output/c.html"), encoding: .utf8)
        #expect(html.contains("<th scope=\"row\">input</th><td>32x32x3</td>"))
        #expect(html.contains("<th scope=\"row\">conv 4 3x3</th><td>32x32x4</td><td>112</td>"))
        #expect(html.contains("<th scope=\"row\">maxpool 2</th><td>16x16x4</td>"))
        #expect(html.contains("<th scope=\"row\">conv 8 3x3 stride 2</th><td>8x8x8</td><td>296</td>"))
        #expect(html.contains("<th scope=\"row\">flatten</th><td>512</td>"))
    }
}
