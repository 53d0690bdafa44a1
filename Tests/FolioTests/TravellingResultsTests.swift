import Folio
import Foundation
import NeuralNet
import Testing

/// Results that travel: the committed results file as a source of results, content
/// fingerprints of data, the plan, shards merged from several caches, and the stale check.
@Suite struct TravellingResultsTests {
    static let notebook = """
        ---
        title: Travel
        defaults:
          dataset: spirals
          epochs: 2
        ---

        ```{experiment} one
        model: [dense 8, relu, dense 3]
        repeat: 2
        ```

        ```{experiment} two
        model: [dense 8, batchnorm, relu, dense 3]
        sweep:
          batch_size: [8, 32, 64]
        ```

        ```{plot}
        runs: [one, two]
        ```

        One reaches `{= one.val_accuracy | percent}`.
        """

    static func project(_ text: String = notebook) -> TemporaryDirectory {
        let directory = TemporaryDirectory()
        directory.write("t.md", Array(text.utf8))
        return directory
    }


    /// The results file without wall times, for comparing what two builds computed.
    static func resultsWithoutTimes(_ url: URL) throws -> String {
        let text = try String(contentsOf: url, encoding: .utf8)
        return text.replacingOccurrences(of: #""seconds" : [0-9.e+-]+"#, with: "", options: .regularExpression)
    }

    /// A fresh clone has the notebook and output/ but no cache: nothing trains, the report
    /// is the same, and editing one experiment trains only its runs.
    @Test func aFreshCloneTrainsNothingAndAnEditTrainsOnlyItsExperiment() throws {
        let original = Self.project()
        let first = try FolioProcess.run(["build", "t.md"], in: original.url)
        #expect(first.trainedRuns == 4)
        let clone = TemporaryDirectory()
        try FileManager.default.removeItem(at: clone.url)
        try FileManager.default.createDirectory(at: clone.url, withIntermediateDirectories: true)
        for name in ["t.md", "output"] {
            try FileManager.default.copyItem(at: original.url.appendingPathComponent(name), to: clone.url.appendingPathComponent(name))
        }
        let fresh = try FolioProcess.run(["build", "t.md"], in: clone.url)
        #expect(fresh.status == 0)
        #expect(fresh.trainedRuns == 0)
        #expect(fresh.standardError.hasPrefix("4 runs: 0 cached, 4 frozen, 0 to train\n"), "\(fresh.standardError)")
        #expect(try Data(contentsOf: clone.url.appendingPathComponent("output/t.html"))
            == Data(contentsOf: original.url.appendingPathComponent("output/t.html")))

        let edited = Self.notebook.replacingOccurrences(of: "model: [dense 8, relu, dense 3]", with: "model: [dense 12, relu, dense 3]")
        clone.write("t.md", Array(edited.utf8))
        let afterEdit = try FolioProcess.run(["build", "t.md"], in: clone.url)
        #expect(afterEdit.trainedRuns == 1, "\(afterEdit.standardError)")
        #expect(afterEdit.standardError.hasPrefix("4 runs: 0 cached, 3 frozen, 1 to train, about "), "\(afterEdit.standardError)")
        let refreshed = try FolioProcess.run(["build", "t.md", "--refresh"], in: clone.url)
        #expect(refreshed.trainedRuns == 4)
    }

    /// A results file names the arithmetic its numbers were computed with, not the machine
    /// that last rendered them: a fresh clone on another CPU keeps the committed file's,
    /// and once it trains a run the file says `mixed` and each seed names its own.
    @Test func frozenResultsKeepTheirArithmetic() throws {
        let original = Self.project()
        _ = try FolioProcess.run(["build", "t.md"], in: original.url)
        // A clone: the notebook and output/, no cache.
        let clone = TemporaryDirectory()
        for name in ["t.md", "output"] {
            try FileManager.default.copyItem(at: original.url.appendingPathComponent(name), to: clone.url.appendingPathComponent(name))
        }
        let file = clone.url.appendingPathComponent("output/t.json")
        let elsewhere = try String(contentsOf: file, encoding: .utf8).replacingOccurrences(
            of: #""machine" : "[^"]*""#, with: "\"machine\" : \"OpenBLAS Elsewhere\"", options: .regularExpression)
        try elsewhere.write(to: file, atomically: true, encoding: .utf8)
        let rendered = try FolioProcess.run(["build", "t.md"], in: clone.url)
        #expect(rendered.trainedRuns == 0)
        #expect(try String(contentsOf: file, encoding: .utf8) == elsewhere)

        let edited = Self.notebook.replacingOccurrences(of: "model: [dense 8, relu, dense 3]", with: "model: [dense 12, relu, dense 3]")
        clone.write("t.md", Array(edited.utf8))
        let afterEdit = try FolioProcess.run(["build", "t.md"], in: clone.url)
        #expect(afterEdit.trainedRuns == 1)
        let mixed = try String(contentsOf: file, encoding: .utf8)
        #expect(mixed.contains(#""machine" : "mixed""#))
        #expect(mixed.components(separatedBy: #""arithmetic" : "OpenBLAS Elsewhere""#).count - 1 == 3, "the three frozen seeds of two")
        #expect(mixed.components(separatedBy: "\"arithmetic\" : \"\(Engine.arithmetic)\"").count - 1 == 2, "one's two new seeds")

        // Two mixed files need not pair their seeds' arithmetic alike: their numbers are not compared.
        let changed = mixed.replacingOccurrences(of: #""validationAccuracy" : [0-9.]+"#, with: "\"validationAccuracy\" : 0.123",
                                                 options: .regularExpression)
        let outcome = ResultsComparison.compare(committed: Data(changed.utf8), new: Data(mixed.utf8), tolerance: 0)
        #expect(outcome.differences.isEmpty, "\(outcome.differences)")
        #expect(outcome.numbersSkipped == "the committed results were computed with several (each seed names its own), these with several (each seed names its own)")
    }

    /// Data sets are fingerprinted by content: the same bytes elsewhere, with other times,
    /// hit the cache; one changed byte trains again.
    @Test func dataIsFingerprintedByContent() throws {
        let directory = TemporaryDirectory()
        func header(_ words: [Int]) -> [UInt8] { words.flatMap { word in [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: word >> $0) } } }
        let count = 60
        let pixels = (0..<count * 784).map { UInt8(($0 * 7) % 251) }
        for folder in ["a", "b"] {
            directory.write("\(folder)/train-images-idx3-ubyte", header([0x803, count, 28, 28]) + pixels)
            directory.write("\(folder)/train-labels-idx1-ubyte", header([0x801, count]) + (0..<count).map { UInt8($0 % 10) })
        }
        func notebook(_ folder: String) -> [UInt8] {
            Array("```{experiment} m\ndataset: mnist\npath: \(folder)\nvalidation: 20\nepochs: 1\nmodel: [dense 4, relu, dense 10]\n```\n".utf8)
        }
        directory.write("n.md", notebook("a"))
        #expect((try FolioProcess.run(["build", "n.md", "-o", "out-a"], in: directory.url)).trainedRuns == 1)
        // `path` is part of the spec, so the copy is named the same way in a second notebook folder.
        let clone = TemporaryDirectory()
        for name in ["a"] {
            try FileManager.default.createDirectory(at: clone.url.appendingPathComponent(name), withIntermediateDirectories: true)
            for file in ["train-images-idx3-ubyte", "train-labels-idx1-ubyte"] {
                let bytes = try Data(contentsOf: directory.url.appendingPathComponent("b/" + file))
                try bytes.write(to: clone.url.appendingPathComponent("\(name)/\(file)"))
            }
        }
        clone.write("n.md", notebook("a"))
        try FileManager.default.copyItem(at: directory.url.appendingPathComponent(".folio"), to: clone.url.appendingPathComponent(".folio"))
        let copied = try FolioProcess.run(["build", "n.md", "-o", "out-a"], in: clone.url)
        #expect(copied.trainedRuns == 0, "\(copied.standardError)")
        // Remembered hashes make the next build read no data file.
        let memo = try String(contentsOf: clone.url.appendingPathComponent(".folio/data-hashes.json"), encoding: .utf8)
        #expect(memo.contains("train-images-idx3-ubyte"))
        var changed = pixels
        changed[1000] &+= 1
        clone.write("a/train-images-idx3-ubyte", header([0x803, count, 28, 28]) + changed)
        let afterChange = try FolioProcess.run(["build", "n.md", "-o", "out-b"], in: clone.url)
        #expect(afterChange.trainedRuns == 1, "\(afterChange.standardError)")
    }

    @Test func planListsEveryRunWithItsStatusAndEstimate() throws {
        let directory = Self.project()
        let before = try FolioProcess.run(["plan", "t.md", "--json"], in: directory.url)
        #expect(before.status == 0)
        let plan = try #require(try JSONSerialization.jsonObject(with: Data(before.standardOutput.utf8)) as? [[String: Any]]).first!
        let runs = plan["runs"] as! [[String: Any]]
        #expect(runs.map { $0["name"] as! String } == ["one", "two/batch_size=8", "two/batch_size=32", "two/batch_size=64"])
        #expect(runs.map { $0["status"] as! String } == ["to train", "to train", "to train", "to train"])
        #expect((runs[0]["keys"] as! [String]).count == 2)
        #expect(runs.allSatisfy { ($0["estimatedSeconds"] as! Double) > 0 })
        // Smaller batches take more steps, so longer.
        #expect((runs[1]["estimatedSeconds"] as! Double) > (runs[3]["estimatedSeconds"] as! Double))
        #expect(plan["summary"] as? String == "4 runs: 0 cached, 4 to train, about 1 s")
        _ = try FolioProcess.run(["build", "t.md"], in: directory.url)
        let after = try FolioProcess.run(["plan", "t.md"], in: directory.url)
        #expect(after.standardOutput.hasPrefix("t.md: 4 runs: 4 cached, 0 to train\nrun                seeds  status     estimate  key\none                2      cached     "),
                "\(after.standardOutput)")
    }

    /// Four shards into four caches, merged, then one build: nothing trains, and the results
    /// are those of a single cold build; building twice from the merged cache is identical.
    @Test func shardsMergedGiveTheSingleBuildsResults() throws {
        let single = Self.project(), sharded = Self.project()
        _ = try FolioProcess.run(["build", "t.md"], in: single.url)
        for index in 1...4 {
            let shard = try FolioProcess.run(["build", "t.md", "--shard", "\(index)/4", "--cache-dir", "cache-\(index)"], in: sharded.url)
            #expect(shard.status == 0, "\(shard.standardError)")
            #expect(shard.standardError.contains("t.md: shard \(index)/4 trained "))
        }
        #expect(!FileManager.default.fileExists(atPath: sharded.url.appendingPathComponent("output/t.html").path))
        let merge = try FolioProcess.run(["cache", "import", "cache-1", "cache-2", "cache-3", "cache-4"], in: sharded.url)
        #expect(merge.status == 0, "\(merge.standardError)")
        #expect(merge.standardError.contains("cache-1: imported "))
        let entries = try FileManager.default.contentsOfDirectory(atPath: sharded.url.appendingPathComponent(".folio/runs").path)
        #expect(entries.count == 5)  // one's two seeds, and two's three runs
        let built = try FolioProcess.run(["build", "t.md"], in: sharded.url)
        #expect(built.trainedRuns == 0, "\(built.standardError)")
        let results = try Self.resultsWithoutTimes(sharded.url.appendingPathComponent("output/t.json"))
        #expect(results == (try Self.resultsWithoutTimes(single.url.appendingPathComponent("output/t.json"))))
        let html = try Data(contentsOf: sharded.url.appendingPathComponent("output/t.html"))
        _ = try FolioProcess.run(["build", "t.md"], in: sharded.url)
        #expect(try Data(contentsOf: sharded.url.appendingPathComponent("output/t.html")) == html)
        #expect(try Data(contentsOf: sharded.url.appendingPathComponent("output/t.json")).count > 0)
    }

    /// Shards writing into one shared cache at once (a cluster's file system) train every
    /// seed exactly once between them, and leave only whole entries.
    @Test func shardsSharingOneCacheAtOnce() throws {
        let directory = Self.project()
        let processes = try (1...3).map { index -> Process in
            let process = Process()
            process.executableURL = FolioProcess.productsDirectory.appendingPathComponent("folio")
            process.arguments = ["build", "t.md", "--shard", "\(index)/3", "--cache-dir", "shared"]
            process.currentDirectoryURL = directory.url
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }
        for process in processes {
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.url.appendingPathComponent("shared/runs").path)
        #expect(names.sorted() == names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted())
        #expect(names.count == 5)
        let built = try FolioProcess.run(["build", "t.md", "--cache-dir", "shared"], in: directory.url)
        #expect(built.trainedRuns == 0)
    }

    @Test func aDamagedEntryIsNotImported() throws {
        let directory = Self.project()
        _ = try FolioProcess.run(["build", "t.md", "--cache-dir", "elsewhere"], in: directory.url)
        let runs = directory.url.appendingPathComponent("elsewhere/runs")
        let victim = try FileManager.default.contentsOfDirectory(atPath: runs.path).sorted()[0]
        try Data("{\"key\":".utf8).write(to: runs.appendingPathComponent(victim))
        let merge = try FolioProcess.run(["cache", "import", "elsewhere"], in: directory.url)
        #expect(merge.status == 1)
        #expect(merge.standardError == """
            folio: warning: elsewhere/runs/\(victim): damaged entry skipped (it will train again)
            elsewhere: imported 4 entries into .folio (0 already there, 1 damaged)

            """)
        let missing = try FolioProcess.run(["cache", "import", "nowhere"], in: directory.url)
        #expect(missing.status == 2)
        #expect(missing.standardError.hasPrefix("folio: error: cannot read the cache nowhere: "))
    }

    /// CI's stale check: a committed results file that differs from a fresh run fails,
    /// naming the run, seed, epoch and metric; the same results pass.
    @Test func aStaleResultsFileFailsTheCheck() throws {
        let directory = Self.project()
        _ = try FolioProcess.run(["build", "t.md", "-o", "committed"], in: directory.url)
        let arguments = ["check", "t.md", "--refresh", "-o", "fresh", "--cache-dir", "cold", "--compare-to", "committed"]
        let current = try FolioProcess.run(arguments, in: directory.url)
        #expect(current.status == 0, "\(current.standardError)")
        #expect(current.standardError.hasSuffix("committed/t.json: the committed results match the new ones\n"))

        let file = directory.url.appendingPathComponent("committed/t.json")
        let text = try String(contentsOf: file, encoding: .utf8)
        let range = try #require(text.range(of: #""validationAccuracy" : [0-9.]+"#, options: .regularExpression))
        try text.replacingCharacters(in: range, with: "\"validationAccuracy\" : 0.123").write(to: file, atomically: true, encoding: .utf8)
        let stale = try FolioProcess.run(arguments, in: directory.url)
        #expect(stale.status == 1)
        let lines = stale.standardError.split(separator: "\n").filter { $0.contains("error: stale:") }
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("\(file.path): error: stale: run one seed 0 epoch 1.validationAccuracy: committed 0.123, now 0.") == true,
                "\(stale.standardError)")
        #expect(stale.errorLines.contains("\(file.path): the committed report is stale: rebuild it (folio build --refresh, or make report) and commit output/"),
                "\(stale.standardError)")
        // A tolerance wider than the difference lets it pass.
        let tolerant = try FolioProcess.run(arguments + ["--tolerance", "1"], in: directory.url)
        #expect(tolerant.status == 0)
        // Results computed with other kernels are compared by their keys, not their numbers.
        let other = try String(contentsOf: file, encoding: .utf8).replacingOccurrences(
            of: #""machine" : "[^"]*""#, with: "\"machine\" : \"OpenBLAS Elsewhere\"", options: .regularExpression)
        try other.write(to: file, atomically: true, encoding: .utf8)
        let elsewhere = try FolioProcess.run(arguments, in: directory.url)
        #expect(elsewhere.status == 0, "\(elsewhere.standardError)")
        #expect(elsewhere.errorLines.contains(
            "\(file.path): note: numbers not compared: the committed results were computed with OpenBLAS Elsewhere, these with \(Engine.arithmetic), which round differently; runs, specs, cache keys and the engine version were compared"),
            "\(elsewhere.standardError)")
        // ... and a changed spec is stale wherever it ran.
        try other.replacingOccurrences(of: "\"learningRate\" : 0.01", with: "\"learningRate\" : 0.02").write(to: file, atomically: true, encoding: .utf8)
        let changed = try FolioProcess.run(arguments, in: directory.url)
        #expect(changed.status == 1)
        #expect(changed.errorLines.contains("\(file.path): error: stale: run one.spec.learningRate: committed 0.02, now 0.01 (difference 0.01, tolerance 0)"),
                "\(changed.standardError)")
    }

    @Test func aBuildEstimatedOverAnHourStopsUnlessYes() throws {
        let text = """
            ```{experiment} huge
            dataset: fashion-mnist
            epochs: 20000
            batch_size: 2
            model: [dense 1000, relu, dense 10]
            ```
            """
        let directory = Self.project(text)
        let result = try FolioProcess.run(["build", "t.md"], in: directory.url)
        #expect(result.status == 2)
        let lines = result.standardError.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("1 run: 0 cached, 1 to train, about ") == true)
        let first = lines.dropFirst().first ?? ""
        #expect(first.hasPrefix("t.md:1:1: error: this build would train 1 run seed(s) for about "), "\(result.standardError)")
        #expect(first.hasSuffix("more than the limit of 60 min; pass --yes to train anyway, or shorten it (e.g. --set epochs=2, fewer swept values, or --shard K/N on several machines)"))
    }
}
