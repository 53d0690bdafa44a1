import Foundation
import Testing

/// Bad input, one case per kind of mistake: each gives a located message and the right
/// exit code, never a crash, and leaves the previous report untouched.
@Suite struct NotebookErrorTests {
    /// Front matter shared by the cases: seven lines, so a case's first line is line 8.
    static let preamble = """
        ---
        title: Errors
        defaults:
          dataset: spirals
          epochs: 1
        ---


        """

    static let experiment = "```{experiment} x\nmodel: [dense 8, relu, dense 3]\n```\n"

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var body: String
        /// `line:column` of the message, and the message's text (or its start).
        var location: String
        var message: String
        var exitCode: Int32 = 2
        var arguments: [String] = []
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "unknown directive", body: "```{experimnt} x\nmodel: [dense 3]\n```\n", location: "8:1",
             message: "unknown directive '{experimnt}' (did you mean 'experiment'?)"),
        Case(name: "unknown layer", body: "```{experiment} x\nmodel: [dense 8, batchnrom, relu, dense 3]\n```\n", location: "9:18",
             message: "unknown layer 'batchnrom' (did you mean 'batchnorm'?)"),
        Case(name: "unknown key", body: "```{experiment} x\nmodel: [dense 3]\nepoch: 3\n```\n", location: "10:1",
             message: "unknown key 'epoch' in {experiment} x (did you mean 'epochs'?)"),
        Case(name: "broken YAML", body: "```{experiment} x\nmodel: [dense 3\n```\n", location: "10:",
             message: "invalid YAML"),
        Case(name: "colon in unquoted text", body: experiment + "```{plot}\nruns: x\ncaption: Loss: by epoch\n```\n", location: "13:14",
             message: "invalid YAML: mapping values are not allowed in this context (quote text that contains ': '"),
        Case(name: "wrong type", body: "```{experiment} x\nmodel: [dense 3]\nepochs: ten\n```\n", location: "10:9",
             message: "epochs must be a whole number, not 'ten'"),
        Case(name: "impossible batch size", body: "```{experiment} x\nmodel: [dense 3]\nbatch_size: 0\n```\n", location: "10:13",
             message: "batch_size must be at least 1, not 0"),
        Case(name: "negative learning rate", body: "```{experiment} x\nmodel: [dense 3]\nlearning_rate: -1\n```\n", location: "10:16",
             message: "learning_rate must be greater than 0, not -1"),
        Case(name: "missing experiment in plot", body: experiment + "```{plot}\nruns: nothere\n```\n", location: "12:7",
             message: "no run or experiment 'nothere'"),
        Case(name: "missing run in claim", body: experiment + "```{expect}\nx/nope.val_accuracy > 0\n```\n", location: "12:1",
             message: "no run or experiment 'x/nope'"),
        Case(name: "unknown metric", body: experiment + "```{expect}\nx.val_acc > 0\n```\n", location: "12:1",
             message: "unknown metric 'val_acc' (did you mean 'val_accuracy'?)"),
        Case(name: "unknown dataset", body: "```{experiment} x\nmodel: [dense 3]\ndataset: fashion\n```\n", location: "10:10",
             message: "unknown dataset 'fashion' (did you mean 'fashion-mnist'?)"),
        Case(name: "missing data files", body: "```{experiment} x\nmodel: [dense 10]\ndataset: mnist\npath: empty\n```\n", location: "8:1",
             message: "cannot load the data of run x:"),
        Case(name: "corrupt data file", body: "```{experiment} x\nmodel: [dense 10]\ndataset: mnist\npath: corrupt\n```\n", location: "8:1",
             message: "not the expected file type: magic number 0x00000801, expected 0x00000803"),
        Case(name: "diverging run", body: "```{experiment} x\nmodel: [dense 16, dense 3]\nlearning_rate: 1e9\n```\n", location: "8:1",
             message: "run x diverged", exitCode: 1),
        Case(name: "duplicate ID", body: experiment + experiment, location: "11:1",
             message: "duplicate experiment ID 'x' (first defined at line 8)"),
        Case(name: "missing model", body: "```{experiment} x\nepochs: 2\n```\n", location: "8:1",
             message: "{experiment} x needs a model"),
        Case(name: "wrong output size", body: "```{experiment} x\nmodel: [dense 8, relu, dense 5]\n```\n", location: "8:1",
             message: "run x: the last layer is 'dense 5' but spirals has 3 classes"),
        Case(name: "unsupported math", body: "```math\n\\frac{a}{b} + \\foo\n```\n", location: "9:15",
             message: "unsupported TeX command '\\foo' in math"),
        Case(name: "unknown inline format", body: experiment + "Accuracy `{= x.val_accuracy | percnt}`.\n", location: "11:11",
             message: "unknown format 'percnt' (did you mean 'percent'?)"),
        Case(name: "unknown param", body: "```{experiment} x\nmodel: [dense 3]\nepochs: $epoch\n```\n", location: "10:9",
             message: "unknown param '$epoch'"),
        Case(name: "unknown --set", body: experiment, location: "1:1", message: "--set speed=2: the notebook has no param 'speed'",
             arguments: ["--set", "speed=2"]),
        Case(name: "ambiguous selector in claim", body: "```{experiment} x\nmodel: [dense 3]\nsweep:\n  batch_size: [8, 16]\n```\n"
             + "```{expect}\nx.val_accuracy > 0\n```\n", location: "14:1", message: "'x' matches 2 runs; name one"),
        Case(name: "test metric not recorded", body: experiment + "```{table}\nruns: x\ncolumns: [test_accuracy]\n```\n", location: "11:1",
             message: "test_accuracy needs 'record: [test]' in the experiment of run x"),
        Case(name: "epoch out of range", body: experiment + "```{expect}\nx.val_accuracy[9] > 0\n```\n", location: "12:1",
             message: "epoch 9 is beyond run x's 1 epochs"),
        Case(name: "claim without comparison", body: experiment + "```{expect}\nx.val_accuracy 0.5\n```\n", location: "12:16",
             message: "expected a comparison (<, <=, >, >=) with spaces around it, found '0.5'"),
        Case(name: "conv on vector data", body: "```{experiment} x\nmodel: [conv 8 3x3, flatten, dense 3]\n```\n", location: "8:1",
             message: "run x: layer 'conv 8 3x3' after 2: conv needs image input, not a vector of 2"),
        Case(name: "unknown conv option", body: "```{experiment} x\nmodel: [conv 8 3x3 strid 2, flatten, dense 10]\ndataset: mnist\n```\n",
             location: "9:9", message: "unknown conv option 'strid' (did you mean 'stride'?)"),
        Case(name: "failed claim", body: experiment + "```{expect}\nx.val_accuracy > 2\n```\n", location: "12:1",
             message: "claim failed: x.val_accuracy > 2", exitCode: 1),
    ]

    @Test(arguments: cases)
    func badNotebook(_ testCase: Case) throws {
        let directory = TemporaryDirectory()
        directory.write("empty/README", Array("no data here".utf8))
        directory.write("corrupt/train-images-idx3-ubyte", [0, 0, 8, 1, 0, 0, 0, 1, 7])
        directory.write("corrupt/train-labels-idx1-ubyte", [0, 0, 8, 1, 0, 0, 0, 1, 7])
        directory.write("x.md", Array((Self.preamble + testCase.body).utf8))
        let previous = directory.write("output/x.html", Array("previous report".utf8))
        let result = try FolioProcess.run(["check", "x.md"] + testCase.arguments, in: directory.url)
        #expect(result.status == testCase.exitCode, "\(result.standardError)")
        let expected = "x.md:\(testCase.location)"
        #expect(result.standardError.contains(expected), "expected \(expected) in:\n\(result.standardError)")
        #expect(result.standardError.contains("error: " + testCase.message) || result.standardError.contains(testCase.message),
                "expected '\(testCase.message)' in:\n\(result.standardError)")
        if testCase.exitCode == 2 {
            #expect(try String(contentsOf: previous, encoding: .utf8) == "previous report")
        }
    }

    @Test func invalidUTF8IsLocated() throws {
        let directory = TemporaryDirectory()
        directory.write("x.md", Array("# Title\n\nok line\nbad \u{00e9}".utf8).dropLast(1) + [0xff, 0x0a])
        let result = try FolioProcess.run(["build", "x.md"], in: directory.url)
        #expect(result.status == 2)
        #expect(result.standardError.contains("x.md:4:5: error: the notebook is not valid UTF-8 text"), "\(result.standardError)")
    }

    @Test func allMistakesAreReportedAtOnce() throws {
        let directory = TemporaryDirectory()
        directory.write("x.md", Array((Self.preamble + "```{experiment} x\nmodel: [dense 3]\nepochs: ten\nbatch_size: -2\n```\n```{plot}\nruns: y\n```\n").utf8))
        let result = try FolioProcess.run(["build", "x.md"], in: directory.url)
        #expect(result.status == 2)
        let errors = result.standardError.split(separator: "\n").filter { $0.contains(": error: ") }
        #expect(errors.count == 3, "\(result.standardError)")
    }

    @Test func missingNotebookIsAUsageError() throws {
        let directory = TemporaryDirectory()
        let result = try FolioProcess.run(["build", "nothere.md"], in: directory.url)
        #expect(result.status == 2)
        #expect(result.standardError.contains("nothere.md: no such file or folder"))
    }
}
