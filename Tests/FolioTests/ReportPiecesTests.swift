import Foundation
import Testing

@testable import Folio

/// The small pieces the report is built from, each as "this input gives exactly this output".
@Suite struct HTMLBuilderTests {
    @Test func textIsEscapedAndRawIsNot() {
        let html = HTML.tag("p", ["class": "a\"b"], .text("<script>&'"), .raw("<b>kept</b>"))
        #expect(html.rendered == "<p class=\"a&quot;b\">&lt;script&gt;&amp;&#39;<b>kept</b></p>")
    }

    @Test func literalsAreText() {
        let html: HTML = .tag("td", "1 < 2")
        #expect(html.rendered == "<td>1 &lt; 2</td>")
    }

    @Test func voidElementsHaveNoEndTagAndAttributesKeepTheirOrder() {
        let html = HTML.void("img", [.init(name: "src", value: "a.png"), .init(name: "alt", value: "x & y")])
        #expect(html.rendered == "<img src=\"a.png\" alt=\"x &amp; y\">")
    }

    @Test func fragmentsAndEmptyJoin() {
        #expect((HTML.tag("b", "x") + .empty + "\n").rendered == "<b>x</b>\n")
    }
}

@Suite struct LinkPolicyTests {
    @Test(arguments: [
        ("https://example.org/a", true), ("http://x", true), ("mailto:a@b.c", true), ("#figure-3", true),
        ("figures/a.svg", true), ("../up.html?x=1:2", true), ("", true),
        ("javascript:alert(1)", false), ("JavaScript:alert(1)", false), (" javascript:alert(1)", false),
        ("java\tscript:alert(1)", false), ("vbscript:msgbox", false), ("file:///etc/passwd", false),
        ("data:text/html,<script>", false),
    ])
    func links(_ url: String, _ allowed: Bool) {
        #expect(LinkPolicy.allows(url, image: false) == allowed)
    }

    @Test func imagesMayBeInlinePNGButNotSVG() {
        #expect(LinkPolicy.allows("data:image/png;base64,AAAA", image: true))
        #expect(!LinkPolicy.allows("data:image/svg+xml,<svg onload=alert(1)>", image: true))
        #expect(!LinkPolicy.allows("data:image/png;base64,AAAA", image: false))
    }

    @Test func unsafeLinksBecomeTheirText() {
        let markdown = "[click](javascript:alert(1)) and [safe](https://example.org) ![pic](javascript:x) <javascript:alert(2)>\n"
        let html = CMarkBridge.render(markdown, replacements: [:], keepRawHTML: false)
        #expect(html == "<p>click and <a href=\"https://example.org\">safe</a> pic javascript:alert(2)</p>\n")
        let kept = CMarkBridge.render(markdown, replacements: [:], keepRawHTML: true)
        #expect(kept.contains("href=\"javascript:alert(1)\""))
    }
}

@Suite struct NumberFormatTests {
    @Test(arguments: [
        (119.6, "2 min 0 s"), (90.0, "1 min 30 s"), (89.94, "89.9 s"), (3599.5, "60 min 0 s"), (-150.2, "−2 min 30 s"),
        (Double.nan, "n/a"), (Double.infinity, "∞"), (1e300, "1.00e+300 s"),
    ])
    func seconds(_ value: Double, _ expected: String) {
        #expect(NumberFormat.format(value, .seconds) == expected)
    }

    @Test func significantDigitsOfNonFiniteValues() {
        #expect(NumberFormat.significant(.infinity, 4) == "∞")
        #expect(NumberFormat.significant(-.infinity, 4) == "−∞")
        #expect(NumberFormat.significant(.nan, 4) == "n/a")
        #expect(NumberFormat.significant(0.27501, 4) == "0.2750")
    }
}

@Suite struct SuggestionTests {
    /// Ties are broken by name, whatever order the candidates come in.
    @Test func tiesDoNotDependOnOrder() {
        let candidates = ["abd", "abe", "abc"]
        for _ in 0..<10 {
            #expect(nearest("abx", in: candidates.shuffled()) == "abc")
        }
        #expect(nearest("val", in: ["val_loss", "val_accuracy", "val_acc"].shuffled()) == "val_acc")
    }

    @Test func longNamesAreNotTypos() {
        #expect(nearest(String(repeating: "a", count: 10_000), in: ["a"]) == nil)
    }
}

@Suite struct MathMLTests {
    @Test func fractionWithScriptsAndText() throws {
        let location = SourceLocation(file: "x.md", line: 1, column: 1)
        let html = try MathML.render("\\frac{x_i - \\mu}{\\sigma^2} \\text{a<b}", display: true, at: location).get()
        #expect(html.rendered == "<math display=\"block\"><mrow><mfrac><mrow><msub><mi>x</mi><mi>i</mi></msub><mo>−</mo><mi>μ</mi></mrow>"
            + "<mrow><msup><mi>σ</mi><mn>2</mn></msup></mrow></mfrac><mtext>a&lt;b</mtext></mrow></math>")
    }

    /// `\left … \right` is one group: both fences stretch over it, and a superscript after
    /// `\right` applies to the whole group.
    @Test func leftRightIsOneGroup() throws {
        let location = SourceLocation(file: "x.md", line: 1, column: 1)
        let html = try MathML.render("\\left( x_i - \\mu_B \\right)^2", display: false, at: location).get()
        #expect(html.rendered == "<math><mrow><msup><mrow><mo stretchy=\"true\">(</mo><mrow><msub><mi>x</mi><mi>i</mi></msub><mo>−</mo>"
            + "<msub><mi>μ</mi><mi>B</mi></msub></mrow><mo stretchy=\"true\">)</mo></mrow><mn>2</mn></msup></mrow></math>")
        let braces = try MathML.render("\\left\\{ a \\right.", display: false, at: location).get()
        #expect(braces.rendered == "<math><mrow><mrow><mo stretchy=\"true\">{</mo><mrow><mi>a</mi></mrow></mrow></mrow></math>")
        let big = try MathML.render("\\big( a \\big)", display: false, at: location).get()
        #expect(big.rendered == "<math><mrow><mo minsize=\"1.2em\" maxsize=\"1.2em\">(</mo><mi>a</mi><mo minsize=\"1.2em\" maxsize=\"1.2em\">)</mo></mrow></math>")
    }

    @Test(arguments: [
        ("\\left( x", "1:9: error: \\left has no matching \\right"),
        ("x \\right)", "1:3: error: \\right without a \\left before it"),
        ("\\left x \\right)", "1:7: error: \\left needs a delimiter such as ( [ | \\{ \\| \\langle, not 'x'"),
    ])
    func unbalancedFences(_ tex: String, _ message: String) {
        let location = SourceLocation(file: "x.md", line: 1, column: 1)
        guard case .failure(let error) = MathML.render(tex, display: false, at: location) else {
            Issue.record("expected an error for \(tex)")
            return
        }
        #expect(error.description == "x.md:" + message)
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let location = SourceLocation(file: "x.md", line: 3, column: 1)
        let tex = String(repeating: "\\frac", count: 100_000)
        guard case .failure(let error) = MathML.render(tex, display: false, at: location) else {
            Issue.record("expected an error")
            return
        }
        #expect(error.message == "the formula is nested more than 64 levels deep")
    }
}

/// Every notebook of the fuzz corpus (regressions included) read, planned and rendered with
/// no results, as the fuzz target does: mistakes give messages, never a trap.
@Suite struct FuzzCorpusTests {
    @Test func corpusNotebooksNeverTrap() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Fuzz/Corpus/notebook")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(names.count > 50)
        for name in names {
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            guard let text = String(data: data, encoding: .utf8) else { continue }
            let (parsed, readDiagnostics) = NotebookParser.parse(text, file: name, name: "corpus", overrides: [:])
            guard let notebook = parsed else { continue }
            var diagnostics = readDiagnostics
            _ = Planner.plan(notebook, &diagnostics)
            var renderer = ReportRenderer(notebook: notebook, results: [], previews: [:])
            #expect(renderer.render().html.hasPrefix("<!DOCTYPE html>"))
        }
    }
}
