import Foundation

@testable import Folio
@testable import NeuralNet

/// One libFuzzer binary with five targets, chosen by `FOLIO_FUZZ_TARGET` (libFuzzer keeps
/// the coverage of each run apart through its corpus folder):
///
/// - `notebook`: a notebook's text read, typed, planned and rendered with no results;
///   nothing trains.
/// - `expression`: an `{expect}` line and an inline value, parsed and evaluated over no results.
/// - `mathml`: TeX converted to MathML, inline and display.
/// - `idx`: an IDX image file and a label file (the input split at its first `|`), gzipped or not.
/// - `cifar`: a CIFAR-10 batch file, gzipped or not.
/// - `bibtex`: a `.bib` file, read and every entry formatted for the reference list.
///
/// Any input may be rejected with a message; none may crash, trap or read out of bounds.
enum FuzzTarget: String, CaseIterable {
    case notebook, expression, mathml, idx, cifar, bibtex

    /// The bibliography a fuzzed notebook cites from.
    static let bibliography = BibliographyFile.parse("""
        @inproceedings{ioffe2015, author = {Ioffe, Sergey and Szegedy, Christian}, title = {Batch Normalization}, year = 2015}
        @article{santurkar2018, author = {Santurkar, S. and Tsipras, D. and Ilyas, A. and M{\\k{a}}dry, A.}, title = {How?}, year = 2018}
        """, file: "refs.bib", url: nil)

    /// Decompressed data beyond this is refused in fuzzing (the real limit is 1 GiB, which
    /// libFuzzer's memory limit would report as a crash).
    static let decompressionLimit = 16 << 20

    func run(_ bytes: [UInt8]) {
        switch self {
        case .notebook:
            guard let text = String(validating: bytes, as: UTF8.self) else { return }
            let (parsed, readDiagnostics) = NotebookParser.parse(text, file: "fuzz.md", name: "fuzz", overrides: [:],
                                                                  bibliographyReader: { _, _ in Self.bibliography })
            guard let notebook = parsed else { return }
            var diagnostics = readDiagnostics
            _ = Planner.plan(notebook, &diagnostics)
            _ = diagnostics.sorted.map(\.description)
            var renderer = ReportRenderer(notebook: notebook, results: [], previews: [:])
            _ = renderer.render()
        case .expression:
            guard let text = String(validating: bytes, as: UTF8.self) else { return }
            let location = SourceLocation(file: "fuzz.md", line: 1, column: 1)
            let evaluator = Evaluator(results: [])
            var claimParser = ExpressionParser(text, at: location)
            if let claim = try? claimParser.claim(text: text) {
                _ = evaluator.check(claim).description
            }
            var valueParser = ExpressionParser(text, at: location)
            if let expression = try? valueParser.expression() {
                let value = evaluator.value(expression)
                for format in [InlineValue.Format.percent, .fixed(3), .number, .seconds] { _ = NumberFormat.format(value, format) }
            }
        case .mathml:
            guard let text = String(validating: bytes, as: UTF8.self) else { return }
            let location = SourceLocation(file: "fuzz.md", line: 1, column: 1)
            for display in [false, true] {
                if case .success(let markup) = MathML.render(text, display: display, at: location) { _ = markup.rendered }
            }
        case .idx:
            let split = bytes.firstIndex(of: UInt8(ascii: "|")) ?? bytes.count
            let images = Array(bytes[..<split]), labels = Array(bytes[min(split + 1, bytes.count)...])
            guard let imageBytes = try? FileBytes.decode(images, path: "images", limit: Self.decompressionLimit),
                  let labelBytes = try? FileBytes.decode(labels, path: "labels", limit: Self.decompressionLimit)
            else { return }
            let dataset = try? IDX.dataset(images: (imageBytes, "images"), labels: (labelBytes, "labels"), name: "fuzz",
                                           classNames: (0..<10).map(String.init))
            _ = dataset?.classCounts
        case .bibtex:
            guard let text = String(validating: bytes, as: UTF8.self) else { return }
            let contents = BibliographyFile.parse(text, file: "fuzz.bib", url: nil)
            let works = Array(contents.references.values)
            let years = CitationStyle.years(works)
            for work in works {
                _ = HTML.fragment(CitationStyle.entry(work, year: years[work.key] ?? work.year)).rendered
                _ = CitationStyle.authors(work, narrative: true) + CitationStyle.authors(work, narrative: false)
            }
        case .cifar:
            guard let batch = try? FileBytes.decode(bytes, path: "batch", limit: Self.decompressionLimit) else { return }
            _ = (try? CIFAR10.dataset([(batch, "batch")], name: "fuzz"))?.classCounts
        }
    }
}

nonisolated(unsafe) private var selectedTarget = FuzzTarget.notebook

@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    let name = ProcessInfo.processInfo.environment["FOLIO_FUZZ_TARGET"] ?? "notebook"
    guard let target = FuzzTarget(rawValue: name) else {
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
        FileHandle.standardError.write(Data("FOLIO_FUZZ_TARGET=\(name): unknown target; known: \(names)\n".utf8))
        exit(2)
    }
    selectedTarget = target
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ count: Int) -> Int32 {
    selectedTarget.run(Array(UnsafeBufferPointer(start: data, count: count)))
    return 0
}
