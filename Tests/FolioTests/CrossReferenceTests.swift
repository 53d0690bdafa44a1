import Folio
import Foundation
import Testing

/// Labels, references, citations and the reference list, built end to end by `folio build`.
@Suite struct CrossReferenceTests {
    static let bibliography = """
        @string{icml = "International Conference on Machine Learning"}
        @inproceedings{ioffe2015,
          title     = {Batch Normalization: Accelerating Deep Network Training by Reducing Internal Covariate Shift},
          author    = {Ioffe, Sergey and Szegedy, Christian},
          booktitle = icml,
          pages     = {448--456},
          year      = {2015}
        }
        @article{santurkar2018,
          author = {Shibani Santurkar and Dimitris Tsipras and Andrew Ilyas and Aleksander M{\\k{a}}dry},
          title = "How Does Batch Normalization Help Optimization?",
          journal = {Advances in Neural Information Processing Systems},
          volume = 31,
          year = 2018
        }
        @misc{ba2016,
          title={Layer Normalization},
          author={Ba, Jimmy Lei and Kiros, Jamie Ryan and Hinton, Geoffrey E},
          year={2016}, eprint={1607.06450}
        }
        @misc{unused, title = {Not cited}, author = {Nobody}, year = 1999}
        """

    static let notebook = """
        ---
        title: References
        bibliography: refs.bib
        defaults:
          dataset: spirals
          epochs: 2
        ---

        ## Q1. Theory {#sec-theory}

        BN [@ioffe2015] normalizes (@eq-bn, @fig-acc); @santurkar2018 disagree [@santurkar2018, p. 3; @ba2016].
        See @sec-theory, @sec-more and [@tbl-res]. Mail me@example.org stays text.

        ```math {#eq-bn}
        \\hat{x} = x - \\mu
        ```

        ```math
        y = x
        ```

        ```{experiment} x
        model: [dense 8, relu, dense 3]
        ```

        ```{plot}
        runs: x
        label: fig-acc
        ```

        ```{model} x
        ```

        ```{table}
        runs: x
        label: tbl-res
        ```

        ## More results {#sec-more}

        ### Details

        """

    func build() throws -> String {
        let directory = TemporaryDirectory()
        directory.write("x.md", Array(Self.notebook.utf8))
        directory.write("refs.bib", Array(Self.bibliography.utf8))
        let result = try FolioProcess.run(["build", "x.md"], in: directory.url)
        #expect(result.status == 0, "\(result.standardError)")
        return try String(contentsOf: directory.url.appendingPathComponent("output/x.html"), encoding: .utf8)
    }

    @Test func referencesAndCitationsRenderAsLinks() throws {
        let html = try build()
        #expect(html.contains("""
            <p>BN (<a class="citation" href="#ref-ioffe2015">Ioffe &amp; Szegedy, 2015</a>) normalizes (<a class="xref" href="#eq-bn">Equation 1</a>, \
            <a class="xref" href="#fig-acc">Figure 1</a>); <a class="citation" href="#ref-santurkar2018">Santurkar et al. (2018)</a> disagree \
            (<a class="citation" href="#ref-santurkar2018">Santurkar et al., 2018, p. 3</a>; <a class="citation" href="#ref-ba2016">Ba et al., 2016</a>).
            See <a class="xref" href="#sec-theory">Section Q1</a>, <a class="xref" href="#sec-more">Section “More results”</a> and \
            <a class="xref" href="#tbl-res">Table 2</a>. Mail me@example.org stays text.</p>
            """), "\(html)")
    }

    @Test func labelledTargetsCarryTheirLabelsAndNumbers() throws {
        let html = try build()
        #expect(html.contains("<h2 id=\"sec-theory\">Q1. Theory</h2>"))
        #expect(html.contains("<div class=\"equation\" id=\"eq-bn\"><math display=\"block\">"))
        #expect(html.contains("<span class=\"equation-number\">(1)</span></div>"))
        #expect(html.contains("<figure id=\"fig-acc\">"))
        #expect(html.contains("<table class=\"model\" id=\"table-1\">"))
        #expect(html.contains("<table id=\"tbl-res\">\n<caption><strong>Table 2.</strong>"))
    }

    @Test func referenceListHoldsTheCitedWorksSorted() throws {
        let html = try build()
        #expect(html.contains("""
            <section class="references" id="references">
            <h2>References</h2>
            <ul>
            <li id="ref-ba2016">Ba, J. L., Kiros, J. R., &amp; Hinton, G. E. (2016). Layer Normalization. arXiv:1607.06450.</li>
            <li id="ref-ioffe2015">Ioffe, S., &amp; Szegedy, C. (2015). Batch Normalization: Accelerating Deep Network Training by Reducing \
            Internal Covariate Shift. In <em>International Conference on Machine Learning</em> (pp. 448–456).</li>
            <li id="ref-santurkar2018">Santurkar, S., Tsipras, D., Ilyas, A., &amp; Mądry, A. (2018). How Does Batch Normalization Help \
            Optimization? <em>Advances in Neural Information Processing Systems</em>, <em>31</em>.</li>
            </ul>
            </section>
            """), "\(html)")
        #expect(!html.contains("Not cited"))
    }

    /// Top-level entries are numbered 1, 2, 3: each level-3 list sits inside its parent's item.
    @Test func contentsNestSubsectionsInsideTheirSection() throws {
        let html = try build()
        #expect(html.contains("""
            <ol>
            <li><a href="#sec-theory">Q1. Theory</a></li>
            <li><a href="#sec-more">More results</a><ol>
            <li><a href="#details">Details</a></li>
            </ol></li>
            <li><a href="#references">References</a></li>
            </ol>
            """), "\(html)")
    }

    /// With Chromium installed (CI installs it), `--pdf` writes a PDF whose text has the
    /// headings, captions and references.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["CI"] != nil || FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium")))
    func pdfIsPrinted() throws {
        let directory = TemporaryDirectory()
        directory.write("x.md", Array(Self.notebook.utf8))
        directory.write("refs.bib", Array(Self.bibliography.utf8))
        let result = try FolioProcess.run(["build", "x.md", "--pdf"], in: directory.url)
        #expect(result.status == 0, "\(result.standardError)")
        let pdf = try Data(contentsOf: directory.url.appendingPathComponent("output/x.pdf"))
        #expect(pdf.starts(with: Array("%PDF".utf8)))
        let text = Process()
        text.executableURL = URL(fileURLWithPath: "/usr/bin/pdftotext")
        text.arguments = [directory.url.appendingPathComponent("output/x.pdf").path, "-"]
        let output = Pipe()
        text.standardOutput = output
        try text.run()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        text.waitUntilExit()
        for expected in ["Q1. Theory", "More results", "Figure 1.", "Table 2.", "References", "Ioffe, S., & Szegedy, C. (2015)", "1/"] {
            #expect(printed.contains(expected), "'\(expected)' not in the PDF's text:\n\(printed)")
        }
    }

    /// The bibliography is an input of the build (what `folio watch` follows), and editing it
    /// trains nothing.
    @Test func bibliographyIsAnInputAndRetrainsNothing() throws {
        let directory = TemporaryDirectory()
        let notebook = directory.write("x.md", Array(Self.notebook.utf8))
        let bibliography = directory.write("refs.bib", Array(Self.bibliography.utf8))
        let options = BuildOptions(outputDirectory: directory.url.appendingPathComponent("output"),
                                   cacheDirectory: directory.url.appendingPathComponent(".folio"), workingDirectory: directory.url)
        let first = NotebookBuild.build(notebook, displayPath: "x.md", options: options, progress: nil)
        #expect(first.inputs.map(\.path) == [bibliography.standardizedFileURL.path])
        #expect(first.trainedRuns == ["x"])
        directory.write("refs.bib", Array(Self.bibliography.replacingOccurrences(of: "{2015}", with: "{2016}").utf8))
        let second = NotebookBuild.build(notebook, displayPath: "x.md", options: options, progress: nil)
        #expect(second.trainedRuns.isEmpty)
        let html = try String(contentsOf: directory.url.appendingPathComponent("output/x.html"), encoding: .utf8)
        #expect(html.contains("Ioffe &amp; Szegedy, 2016"))
    }

    /// Works of the same authors and year are lettered the same in the text and the list,
    /// even where the first is cited before the second appears.
    @Test func sameYearWorksAreLetteredConsistently() throws {
        let directory = TemporaryDirectory()
        directory.write("refs.bib", Array("""
            @misc{beta, author = {Ann Smith}, title = {Beta}, year = {2020}}
            @misc{alpha, author = {Ann Smith}, title = {Alpha}, year = {2020}}
            """.utf8))
        directory.write("x.md", Array("---\nbibliography: refs.bib\n---\n\nFirst [@beta]. Later @alpha.\n".utf8))
        let result = try FolioProcess.run(["build", "x.md"], in: directory.url)
        #expect(result.status == 0, "\(result.standardError)")
        let html = try String(contentsOf: directory.url.appendingPathComponent("output/x.html"), encoding: .utf8)
        #expect(html.contains("<p>First (<a class=\"citation\" href=\"#ref-beta\">Smith, 2020b</a>). Later "
            + "<a class=\"citation\" href=\"#ref-alpha\">Smith (2020a)</a>.</p>"), "\(html)")
        #expect(html.contains("<li id=\"ref-alpha\">Smith, A. (2020a). Alpha.</li>\n<li id=\"ref-beta\">Smith, A. (2020b). Beta.</li>"))
    }

    @Test func missingChromiumIsAClearError() throws {
        let directory = TemporaryDirectory()
        directory.write("x.md", Array("# Hi\n".utf8))
        let result = try FolioProcess.run(["build", "x.md", "--pdf"], in: directory.url, environment: ["FOLIO_CHROMIUM": "/nonexistent/chromium"])
        #expect(result.status == 2)
        #expect(result.standardError == "folio: error: FOLIO_CHROMIUM=/nonexistent/chromium is not an executable file\n")
    }
}
