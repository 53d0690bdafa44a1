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
        /// `line:column` of the one message.
        var location: String
        /// The message exactly as printed after `error: `; `{dir}` stands for the project folder.
        var message: String
        var exitCode: Int32 = 2
        var arguments: [String] = []
        /// Whether `body` is the whole file (for mistakes in the front matter).
        var wholeFile = false
        /// Other files of the project (a bibliography), by name.
        var files: [String: String] = [:]
        /// The file the message names.
        var file = "x.md"
        var testDescription: String { name }
    }

    static let layers = "known: dense, batchnorm, layernorm, relu, sigmoid, tanh, dropout, conv, maxpool, flatten"
    static let metrics = "known: loss, accuracy, val_loss, val_accuracy, test_loss, test_accuracy, seconds"
    static let datasets = "known: fashion-mnist, mnist, cifar10, spirals, blobs"

    /// Every kind of bad input, each with the one message it gives. docs/errors.md lists
    /// the same kinds (a test checks that every name here appears there).
    static let cases: [Case] = [
        // Reading the file and the front matter
        Case(name: "NUL byte", body: "# Title\n\nsome\u{0}text\n", location: "10:5",
             message: "the notebook contains a NUL byte (U+0000); remove it"),
        Case(name: "unknown front-matter key", body: "---\ntitel: x\n---\n", location: "2:1",
             message: "unknown key 'titel' in the front matter (did you mean 'title'?)", wholeFile: true),
        Case(name: "front matter of the wrong type", body: "---\nseed: abc\n---\n", location: "2:7",
             message: "seed must be a whole number, not 'abc'", wholeFile: true),
        Case(name: "unknown param", body: "```{experiment} x\nmodel: [dense 3]\nepochs: $epoch\n```\n", location: "10:9",
             message: "unknown param '$epoch'; declare it under params: in the front matter"),
        Case(name: "unknown --set", body: experiment, location: "1:1", message: "--set speed=2: the notebook has no param 'speed'",
             arguments: ["--set", "speed=2"]),
        // Directives and YAML
        Case(name: "unknown directive", body: "```{experimnt} x\nmodel: [dense 3]\n```\n", location: "8:1",
             message: "unknown directive '{experimnt}' (did you mean 'experiment'?); known: {experiment}, {plot}, {table}, {model}, {dataset}, {expect}"),
        Case(name: "directive without closing brace", body: "```{experiment x\nmodel: [dense 3]\n```\n", location: "8:1",
             message: "directive '{experiment x' has no closing '}'"),
        Case(name: "broken YAML", body: "```{experiment} x\nmodel: [dense 3\n```\n", location: "10:1",
             message: "invalid YAML: did not find expected ',' or ']' (quote items that contain brackets, e.g. \"val_loss[3]\")"),
        Case(name: "colon in unquoted text", body: experiment + "```{plot}\nruns: x\ncaption: Loss: by epoch\n```\n", location: "13:14",
             message: "invalid YAML: mapping values are not allowed in this context (quote text that contains ': ', e.g. caption: \"Loss: by epoch\")"),
        Case(name: "duplicate YAML key", body: "```{experiment} x\nmodel: [dense 8, relu, dense 3]\nepochs: 2\nepochs: 3\n```\n", location: "9:1",
             message: "invalid YAML: duplicate key 'epochs'"),
        Case(name: "YAML nested too deep", body: "```{experiment} x\nmodel: [dense 8, relu, dense 3]\nrecord: " + String(repeating: "[", count: 70)
             + String(repeating: "]", count: 70) + "\n```\n", location: "10:73", message: "YAML nested more than 64 levels deep"),
        // Experiments
        Case(name: "experiment without ID", body: "```{experiment}\nmodel: [dense 3]\n```\n", location: "8:1",
             message: "{experiment} needs an ID after it, e.g. ```{experiment} baseline"),
        Case(name: "invalid experiment ID", body: "```{experiment} a.b\nmodel: [dense 8, relu, dense 3]\n```\n", location: "8:1",
             message: "experiment ID 'a.b' may not contain spaces, '.', '*' or '/'"),
        Case(name: "duplicate ID", body: experiment + experiment, location: "11:1",
             message: "duplicate experiment ID 'x' (first defined at line 8)"),
        Case(name: "unknown key", body: "```{experiment} x\nmodel: [dense 3]\nepoch: 3\n```\n", location: "10:1",
             message: "unknown key 'epoch' in {experiment} x (did you mean 'epochs'?)"),
        Case(name: "missing model", body: "```{experiment} x\nepochs: 2\n```\n", location: "8:1",
             message: "{experiment} x needs a model, e.g. model: [dense 100, relu, dense 10]"),
        Case(name: "wrong type", body: "```{experiment} x\nmodel: [dense 3]\nepochs: ten\n```\n", location: "10:9",
             message: "epochs must be a whole number, not 'ten'"),
        Case(name: "impossible batch size", body: "```{experiment} x\nmodel: [dense 3]\nbatch_size: 0\n```\n", location: "10:13",
             message: "batch_size must be at least 1, not 0"),
        Case(name: "too many seeds", body: "```{experiment} x\nmodel: [dense 8, relu, dense 3]\nrepeat: 5000\n```\n", location: "10:9",
             message: "repeat must be at most 1000, not 5000"),
        Case(name: "negative learning rate", body: "```{experiment} x\nmodel: [dense 3]\nlearning_rate: -1\n```\n", location: "10:16",
             message: "learning_rate must be greater than 0, not -1"),
        Case(name: "unknown dataset", body: "```{experiment} x\nmodel: [dense 3]\ndataset: fashion\n```\n", location: "10:10",
             message: "unknown dataset 'fashion' (did you mean 'fashion-mnist'?); \(datasets)"),
        Case(name: "impossible validation", body: "```{experiment} x\nmodel: [dense 8, relu, dense 3]\nvalidation: 1.5\n```\n", location: "10:13",
             message: "validation must be a count of examples or a fraction between 0 and 1, not 1.5"),
        Case(name: "unknown optimizer", body: "```{experiment} x\nmodel: [dense 8, relu, dense 3]\noptimizer: adma\n```\n", location: "10:12",
             message: "unknown optimizer 'adma' (did you mean 'adam'?); known: sgd, momentum, adam"),
        Case(name: "unknown init", body: "```{experiment} x\nmodel: [dense 8, relu, dense 3]\ninit: xavier\n```\n", location: "10:7",
             message: "unknown init 'xavier'; known: glorot, he, normal S (e.g. normal 0.05)"),
        Case(name: "BatchNorm momentum out of range", body: "```{experiment} x\nmodel: [dense 8, batchnorm, relu, dense 3]\nbatchnorm: {momentum: 1.5}\n```\n",
             location: "10:23", message: "batchnorm.momentum must be in [0, 1), not 1.5"),
        Case(name: "unknown running variance", body: "```{experiment} x\nmodel: [dense 8, batchnorm, relu, dense 3]\nbatchnorm: {running_variance: unbiassed}\n```\n",
             location: "10:31", message: "batchnorm.running_variance must be biased (Keras) or unbiased (PyTorch), not 'unbiassed' (did you mean 'unbiased'?)"),
        Case(name: "unknown record", body: "```{experiment} x\nmodel: [dense 8, relu, dense 3]\nrecord: [stepz]\n```\n", location: "10:10",
             message: "unknown record 'stepz' (did you mean 'steps'?); known: steps, activations, gradients, test"),
        Case(name: "invalid variant name", body: "```{experiment} x\nmodel: [dense 8, relu, dense 3]\nvariants:\n  a b: {}\n```\n", location: "11:3",
             message: "variant name 'a b' may not contain spaces, '.', '*', '/' or '='"),
        Case(name: "sweep that is not a list", body: "```{experiment} x\nmodel: [dense 8, relu, dense 3]\nsweep:\n  batch_size: 16\n```\n",
             location: "11:15", message: "sweep.batch_size must be a list of values, e.g. [16, 32, 64]"),
        Case(name: "sweep of too many runs", body: "```{experiment} x\nmodel: [dense 8, relu, dense 3]\nsweep:\n  batch_size: [" + (1...50).map(String.init).joined(separator: ", ")
             + "]\n  epochs: [" + (1...50).map(String.init).joined(separator: ", ") + "]\n  seed: [1, 2, 3, 4, 5]\n```\n", location: "8:1",
             message: "{experiment} x expands to 12500 runs (variants × swept values); at most 10000 are allowed"),
        // Layers and shapes
        Case(name: "unknown layer", body: "```{experiment} x\nmodel: [dense 8, batchnrom, relu, dense 3]\n```\n", location: "9:18",
             message: "unknown layer 'batchnrom' (did you mean 'batchnorm'?); \(layers)"),
        Case(name: "empty model", body: "```{experiment} x\nmodel: []\n```\n", location: "9:8", message: "model needs at least one layer"),
        Case(name: "last layer not dense", body: "```{experiment} x\nmodel: [dense 8, relu]\n```\n", location: "9:18",
             message: "the model's last layer must be 'dense N' (the class scores), not 'relu'"),
        Case(name: "layer too large", body: "```{experiment} x\nmodel: [dense 99999999999, relu, dense 3]\n```\n", location: "9:9",
             message: "dense needs a number of units from 1 to 16777216, not '99999999999'"),
        Case(name: "dropout rate out of range", body: "```{experiment} x\nmodel: [dense 8, dropout 1.5, dense 3]\n```\n", location: "9:18",
             message: "dropout needs a rate in [0, 1), not '1.5'"),
        Case(name: "kernel not square", body: "```{experiment} x\nmodel: [conv 8 3x4, flatten, dense 10]\ndataset: mnist\n```\n", location: "9:9",
             message: "conv needs a square kernel such as 3x3, not '3x4'"),
        Case(name: "unknown conv option", body: "```{experiment} x\nmodel: [conv 8 3x3 strid 2, flatten, dense 10]\ndataset: mnist\n```\n",
             location: "9:9", message: "unknown conv option 'strid' (did you mean 'stride'?); write 'conv N KxK [stride S] [same | valid | padding P]'"),
        Case(name: "conv on vector data", body: "```{experiment} x\nmodel: [conv 8 3x3, flatten, dense 3]\n```\n", location: "8:1",
             message: "run x: layer 'conv 8 3x3' after 2: conv needs image input, not a vector of 2"),
        Case(name: "pooling window too large", body: "```{experiment} x\nmodel: [conv 8 3x3, maxpool 30, flatten, dense 10]\ndataset: mnist\n```\n",
             location: "8:1", message: "run x: layer 'maxpool 30' after 28x28x8: a 30x30 pooling window does not fit a 28x28 input"),
        Case(name: "wrong output size", body: "```{experiment} x\nmodel: [dense 8, relu, dense 5]\n```\n", location: "8:1",
             message: "run x: the last layer is 'dense 5' but spirals has 3 classes"),
        Case(name: "network too large for memory", body: "```{experiment} x\nmodel: [dense 16000000, relu, dense 16000000, dense 3]\n```\n", location: "8:1",
             message: "run x needs about 3814710 GiB of memory at batch 32; at most 8 GiB are allowed (use fewer units or a smaller batch)"),
        Case(name: "activation probe before any layer", body: "```{experiment} x\nmodel: [relu, dense 3]\nrecord: [activations]\n```\n", location: "8:1",
             message: "run x: record activations needs a layer before nonlinearity 1 to probe, but the model starts with it"),
        Case(name: "activation probe outside the layer", body: "```{experiment} x\nmodel: [conv 2 3x3, relu, flatten, dense 10]\ndataset: mnist\nrecord:\n  activations: {unit: 5000}\n```\n",
             location: "8:1", message: "run x: record activations unit 5000 is outside the 1568 values per example that nonlinearity 1 receives (units 0 to 1567)"),
        // Plots, tables, models, data sets
        Case(name: "missing experiment in plot", body: experiment + "```{plot}\nruns: nothere\n```\n", location: "12:7",
             message: "no run or experiment 'nothere'"),
        Case(name: "unknown plot x", body: experiment + "```{plot}\nruns: x\nx: batchsize\n```\n", location: "13:4",
             message: "x must be epoch, step or a swept key, not 'batchsize' (did you mean 'batch_size'?)"),
        Case(name: "unknown plot kind", body: experiment + "```{plot}\nruns: x\nkind: pie\n```\n", location: "13:7",
             message: "kind must be line or bar, not 'pie' (did you mean 'line'?)"),
        Case(name: "unknown plot panels", body: experiment + "```{plot}\nruns: x\npanels: runs\n```\n", location: "13:9",
             message: "panels must be run or metric, not 'runs' (did you mean 'run'?)"),
        Case(name: "plot of no metric", body: experiment + "```{plot}\nruns: x\ny: []\n```\n", location: "13:4",
             message: "y needs at least one metric, e.g. y: val_accuracy"),
        Case(name: "steps not recorded", body: experiment + "```{plot}\nruns: x\nx: step\ny: loss\n```\n", location: "11:1",
             message: "x: step needs 'record: [steps]' in the experiment of run x"),
        Case(name: "unknown column function", body: experiment + "```{table}\nruns: x\ncolumns: [mean(val_loss)]\n```\n", location: "13:11",
             message: "unknown column function 'mean'; known: best(metric), std(metric), metric[N]"),
        Case(name: "test metric not recorded", body: experiment + "```{table}\nruns: x\ncolumns: [test_accuracy]\n```\n", location: "11:1",
             message: "test_accuracy needs 'record: [test]' in the experiment of run x"),
        Case(name: "model without ID", body: "```{model}\n```\n", location: "8:1", message: "{model} needs an experiment ID or run name after it"),
        Case(name: "unknown dataset in a preview", body: "```{dataset} fashion\n```\n", location: "8:1",
             message: "unknown dataset 'fashion' (did you mean 'fashion-mnist'?); \(datasets)"),
        // Claims and inline values
        Case(name: "missing run in claim", body: experiment + "```{expect}\nx/nope.val_accuracy > 0\n```\n", location: "12:1",
             message: "no run or experiment 'x/nope'"),
        Case(name: "missing run in inline value", body: experiment + "Value `{= y.val_accuracy | percent}`.\n", location: "11:11",
             message: "no run or experiment 'y' (did you mean 'x'?)"),
        Case(name: "unknown metric", body: experiment + "```{expect}\nx.val_acc > 0\n```\n", location: "12:1",
             message: "unknown metric 'val_acc' (did you mean 'val_accuracy'?); \(metrics)"),
        Case(name: "unknown function", body: experiment + "```{expect}\nmean(x.val_accuracy) > 0\n```\n", location: "12:1",
             message: "unknown function 'mean' (did you mean 'max'?); known: best, std, abs, max, min, gradient, activation, argbest, diverged"),
        Case(name: "expression nested too deep", body: experiment + "```{expect}\n" + String(repeating: "- ", count: 70) + "x.val_accuracy > 0\n```\n",
             location: "12:129", message: "the expression is nested more than 64 levels deep"),
        Case(name: "ambiguous selector in claim", body: "```{experiment} x\nmodel: [dense 3]\nsweep:\n  batch_size: [8, 16]\n```\n"
             + "```{expect}\nx.val_accuracy > 0\n```\n", location: "14:1", message: "'x' matches 2 runs; name one (e.g. 'x/batch_size=8')"),
        Case(name: "missing run in diverged()", body: experiment + "```{expect}\nx.val_accuracy > 0 or diverged(y) > 0\n```\n",
             location: "12:23", message: "no run or experiment 'y' (did you mean 'x'?)"),
        Case(name: "epoch out of range", body: experiment + "```{expect}\nx.val_accuracy[9] > 0\n```\n", location: "12:1",
             message: "epoch 9 is beyond run x's 1 epochs"),
        Case(name: "claim without comparison", body: experiment + "```{expect}\nx.val_accuracy 0.5\n```\n", location: "12:16",
             message: "expected a comparison (<, <=, >, >=) with spaces around it, found '0.5'"),
        Case(name: "unknown inline format", body: experiment + "Accuracy `{= x.val_accuracy | percnt}`.\n", location: "11:11",
             message: "unknown format 'percnt' (did you mean 'percent'?); known: percent, fixed(N), number, seconds"),
        Case(name: "trace not recorded", body: experiment + "```{expect}\ngradient(x, 1) > 0\n```\n", location: "12:1",
             message: "gradient(…) needs 'record: [gradients]' in the experiment of run x"),
        Case(name: "gradient of a layer the model lacks", body: "```{experiment} x\nmodel: [dense 8, relu, dense 3]\nrecord: [gradients]\n```\n"
             + "```{expect}\ngradient(x, 5) > 0\n```\n", location: "13:1", message: "run x has 2 dense layers, not 5"),
        Case(name: "argbest over a key that is not swept", body: experiment + "```{expect}\nargbest(x.val_accuracy, learning_rate) > 0\n```\n",
             location: "12:9", message: "argbest over learning_rate needs runs that sweep it, but x does not"),
        // References and citations
        Case(name: "unknown reference label", body: "See @fig-los and @fig-loss.\n" + experiment + "```{plot}\nruns: x\nlabel: fig-loss\n```\n",
             location: "8:5", message: "no figure, table, equation or section labelled 'fig-los' (did you mean 'fig-loss'?)"),
        Case(name: "duplicate label", body: experiment + "```{plot}\nruns: x\nlabel: fig-a\n```\n```{plot}\nruns: x\nlabel: fig-a\n```\n",
             location: "17:8", message: "duplicate label 'fig-a' (first defined at line 13)"),
        Case(name: "label with the wrong prefix", body: experiment + "```{plot}\nruns: x\nlabel: tbl-a\n```\n", location: "13:8",
             message: "a {plot}'s label must start with 'fig-' followed by a name of letters, digits and '-', e.g. fig-loss-curves; not 'tbl-a'"),
        Case(name: "math label without eq-", body: "```math {#bn}\nx\n```\n", location: "8:1",
             message: "a math block's label must start with 'eq-' followed by a name of letters, digits and '-', e.g. eq-loss-curves; not 'bn'"),
        Case(name: "citation without a bibliography", body: "As [@ioffe2015] showed.\n", location: "8:5",
             message: "'@ioffe2015' cites a work, but the front matter names no bibliography (add bibliography: references.bib)"),
        Case(name: "unknown citation key", body: "---\nbibliography: refs.bib\n---\n\nAs [@iofe2015, p. 3] showed.\n", location: "5:5",
             message: "no entry 'iofe2015' in refs.bib (did you mean 'ioffe2015'?)", wholeFile: true,
             files: ["refs.bib": "@article{ioffe2015, author = {Ioffe, Sergey}, title = {BN}, year = 2015}\n"]),
        Case(name: "missing bibliography file", body: "---\nbibliography: nothere.bib\n---\n", location: "2:15",
             message: "cannot read the bibliography 'nothere.bib' (looked for nothere.bib)", wholeFile: true),
        Case(name: "malformed bibliography entry", body: "---\nbibliography: refs.bib\n---\n", location: "2:36",
             message: "unknown @string macro 'jmlr' in field 'journal' (quote or brace text values)", wholeFile: true,
             files: ["refs.bib": "% exported\n@article{a, title = {T}, journal = jmlr}\n"], file: "refs.bib"),
        // Math
        Case(name: "unsupported math", body: "```math\n\\frac{a}{b} + \\foo\n```\n", location: "9:15",
             message: "unsupported TeX command '\\foo' in math"),
        Case(name: "unsupported delimiter", body: "```math\n\\left\\frac{a}{b}\\right)\n```\n", location: "9:6",
             message: "\\left needs a delimiter such as ( [ | \\{ \\| \\langle, not '\\frac'"),
        // Data
        Case(name: "missing data files", body: "```{experiment} x\nmodel: [dense 10]\ndataset: mnist\npath: empty\n```\n", location: "8:1",
             message: "cannot load the data of run x: {dir}/empty/train-images-idx3-ubyte: file not found (nor train-images-idx3-ubyte.gz beside it)"),
        Case(name: "corrupt data file", body: "```{experiment} x\nmodel: [dense 10]\ndataset: mnist\npath: corrupt\n```\n", location: "8:1",
             message: "cannot load the data of run x: {dir}/corrupt/train-images-idx3-ubyte: not the expected file type: magic number 0x00000801, expected 0x00000803"),
        // Results (the report is written, exit 1)
        Case(name: "diverging run", body: "```{experiment} x\nmodel: [dense 16, dense 3]\nlearning_rate: 1e9\n```\n", location: "8:1",
             message: "run x diverged (loss became NaN or infinite at epoch 1, step 4); lower its learning rate, or set may_diverge: true if that is the point",
             exitCode: 1),
        Case(name: "failed claim", body: experiment + "```{expect}\nx.val_accuracy > 2\n```\n", location: "12:1",
             message: "claim failed: x.val_accuracy > 2 (0.2750 > 2.000 is false)", exitCode: 1),
        Case(name: "claim over an infinite value", body: experiment + "```{expect}\nx.val_accuracy > x.val_accuracy / 0\n```\n", location: "12:1",
             message: "claim failed: x.val_accuracy > x.val_accuracy / 0 (0.2750 > ∞ is false)", exitCode: 1),
        Case(name: "claim over a diverged run", body: "```{experiment} x\nmodel: [dense 16, dense 3]\nlearning_rate: 1e9\nmay_diverge: true\n```\n"
             + "```{expect}\nx.val_loss < 10\n```\nLoss: `{= x.val_loss | seconds}`.\n", location: "14:1",
             message: "claim failed: x.val_loss < 10 (n/a < 10.00 is false)", exitCode: 1),
        Case(name: "failed claim with alternatives", body: experiment + "```{expect}\nx.val_accuracy > 2 or diverged(x) > 0\n```\n",
             location: "12:1", message: "claim failed: x.val_accuracy > 2 or diverged(x) > 0 (0.2750 > 2.000 or 0 > 0 is false)",
             exitCode: 1),
    ]

    @Test(arguments: cases)
    func badNotebook(_ testCase: Case) throws {
        let directory = TemporaryDirectory()
        directory.write("empty/README", Array("no data here".utf8))
        directory.write("corrupt/train-images-idx3-ubyte", [0, 0, 8, 1, 0, 0, 0, 1, 7])
        directory.write("corrupt/train-labels-idx1-ubyte", [0, 0, 8, 1, 0, 0, 0, 1, 7])
        directory.write("x.md", Array(((testCase.wholeFile ? "" : Self.preamble) + testCase.body).utf8))
        for (name, text) in testCase.files { directory.write(name, Array(text.utf8)) }
        let previous = directory.write("output/x.html", Array("previous report".utf8))
        let result = try FolioProcess.run(["check", "x.md"] + testCase.arguments, in: directory.url)
        #expect(result.status == testCase.exitCode, "\(result.standardError)")
        let message = testCase.message.replacingOccurrences(of: "{dir}", with: directory.url.path)
        #expect(Self.diagnostics(result.standardError) == ["\(testCase.file):\(testCase.location): error: \(message)"])
        if testCase.exitCode == 2 {
            #expect(try String(contentsOf: previous, encoding: .utf8) == "previous report")
        }
    }

    /// The lines of `standardError` that are diagnostics (progress lines left out).
    static func diagnostics(_ standardError: String) -> [String] {
        standardError.split(separator: "\n").map(String.init).filter { $0.contains(": error: ") || $0.contains(": warning: ") }
    }

    /// docs/errors.md lists every kind of mistake in the table above.
    @Test func everyCaseIsDocumented() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../docs/errors.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        for testCase in Self.cases {
            #expect(text.contains("| \(testCase.name) |"), "docs/errors.md has no row for '\(testCase.name)'")
        }
        #expect(Self.cases.count >= 40)
    }

    @Test func invalidUTF8IsLocated() throws {
        let directory = TemporaryDirectory()
        directory.write("x.md", Array("# Title\n\nok line\nbad \u{00e9}".utf8).dropLast(1) + [0xff, 0x0a])
        let result = try FolioProcess.run(["build", "x.md"], in: directory.url)
        #expect(result.status == 2)
        #expect(result.errorLines.contains("x.md:4:5: error: the notebook is not valid UTF-8 text"), "\(result.standardError)")
    }

    /// Ten kinds of mistake in one notebook: one build prints all ten, in file order.
    @Test func tenMistakesAreReportedInOneBuild() throws {
        let notebook = Self.preamble + """
            ```{experiment} broken
            model: [dense 8, relu, dense 3
            ```

            ```{experiment} a
            model: [dense 8, relu, dense 3]
            epoch: 2
            ```

            ```{experiment} b
            model: [dense 8, relu, dense 3]
            batch_size: 0
            ```

            ```{experiment} c
            model: [dense 8, batchnrom, dense 3]
            ```

            ```{experiment} d
            model: [conv 4 3x3, flatten, dense 3]
            ```

            ```{plot}
            runs: nothere
            ```

            ```{table}
            runs: missing
            ```

            ```{expect}
            absent.val_accuracy > 0.5
            ```

            Inline: `{= gone.val_accuracy | percent}`.

            ```math
            x + \\foo
            ```

            """
        let directory = TemporaryDirectory()
        directory.write("x.md", Array(notebook.utf8))
        let result = try FolioProcess.run(["build", "x.md"], in: directory.url)
        #expect(result.status == 2)
        #expect(Self.diagnostics(result.standardError) == [
            "x.md:10:1: error: invalid YAML: did not find expected ',' or ']' (quote items that contain brackets, e.g. \"val_loss[3]\")",
            "x.md:14:1: error: unknown key 'epoch' in {experiment} a (did you mean 'epochs'?)",
            "x.md:19:13: error: batch_size must be at least 1, not 0",
            "x.md:23:18: error: unknown layer 'batchnrom' (did you mean 'batchnorm'?); \(Self.layers)",
            "x.md:26:1: error: run d: layer 'conv 4 3x3' after 2: conv needs image input, not a vector of 2",
            "x.md:31:7: error: no run or experiment 'nothere'",
            "x.md:35:7: error: no run or experiment 'missing'",
            "x.md:39:1: error: no run or experiment 'absent'",
            "x.md:42:13: error: no run or experiment 'gone'",
            "x.md:45:5: error: unsupported TeX command '\\foo' in math",
        ])
    }

    @Test func missingNotebookIsAUsageError() throws {
        let directory = TemporaryDirectory()
        let result = try FolioProcess.run(["build", "nothere.md"], in: directory.url)
        #expect(result.status == 2)
        #expect(result.errorLines.contains("folio: error: nothere.md: no such file or folder"), "\(result.standardError)")
    }
}
