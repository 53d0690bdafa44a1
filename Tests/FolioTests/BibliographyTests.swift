import Foundation
import Testing

@testable import Folio

/// The BibTeX reader on entries in the shapes real exports take, and the citation style.
@Suite struct BibliographyTests {
    /// Parses `text` as `refs.bib` and returns the one reference in it.
    func reference(_ text: String) throws -> Reference {
        let contents = BibliographyFile.parse(text, file: "refs.bib", url: nil)
        #expect(contents.diagnostics.all.isEmpty, "\(contents.diagnostics.all)")
        return try #require(contents.references.values.first)
    }

    func listEntry(_ text: String) throws -> String {
        let work = try reference(text)
        return HTML.fragment(CitationStyle.entry(work, year: work.year)).rendered
    }

    /// Google Scholar's export: lower-case titles, `--` page ranges, an organization field.
    @Test func googleScholarInproceedings() throws {
        let entry = """
            @inproceedings{ioffe2015batch,
              title={Batch normalization: Accelerating deep network training by reducing internal covariate shift},
              author={Ioffe, Sergey and Szegedy, Christian},
              booktitle={International conference on machine learning},
              pages={448--456},
              year={2015},
              organization={pmlr}
            }
            """
        let work = try reference(entry)
        #expect(work.authors == [.init(last: "Ioffe", first: "Sergey"), .init(last: "Szegedy", first: "Christian")])
        #expect(CitationStyle.authors(work, narrative: false) == "Ioffe & Szegedy")
        #expect(CitationStyle.authors(work, narrative: true) == "Ioffe and Szegedy")
        #expect(try listEntry(entry) == "Ioffe, S., &amp; Szegedy, C. (2015). Batch normalization: Accelerating deep network training by "
            + "reducing internal covariate shift. In <em>International conference on machine learning</em> (pp. 448–456).")
    }

    /// The ACM Digital Library's export: a DOI as the key, fields without indentation, an en dash.
    @Test func acmExportWithDOI() throws {
        let entry = """
            @inproceedings{10.5555/3045118.3045167,
            author = {Ioffe, Sergey and Szegedy, Christian},
            title = {Batch Normalization: Accelerating Deep Network Training by Reducing Internal Covariate Shift},
            year = {2015},
            publisher = {JMLR.org},
            booktitle = {Proceedings of the 32nd International Conference on Machine Learning - Volume 37},
            pages = {448–456},
            numpages = {9},
            location = {Lille, France},
            series = {ICML'15}
            }
            """
        let work = try reference(entry)
        #expect(work.key == "10.5555/3045118.3045167")
        #expect(try listEntry(entry).hasSuffix("(pp. 448–456). JMLR.org."))
    }

    /// A journal article written in parentheses, with quotes, `#`, macros and TeX accents.
    @Test func articleWithMacrosAndAccents() throws {
        let text = """
            @string{neurips = "Advances in Neural Information Processing Systems"}
            @article(santurkar2018,
              author = "Shibani Santurkar and Dimitris Tsipras and Andrew Ilyas and Aleksander M{\\k{a}}dry",
              title = "How Does Batch Normalization Help {O}ptimization?",
              journal = neurips # " 31",
              volume = 31, number = {2}, pages = "2483--2493", month = dec, year = 2018,
              doi = {10.48550/arXiv.1805.11604}
            )
            """
        let work = try reference(text)
        #expect(work.authors.map(\.last) == ["Santurkar", "Tsipras", "Ilyas", "Mądry"])
        #expect(work.fields["month"] == "December")
        #expect(CitationStyle.authors(work, narrative: false) == "Santurkar et al.")
        #expect(try listEntry(text) == "Santurkar, S., Tsipras, D., Ilyas, A., &amp; Mądry, A. (2018). How Does Batch Normalization Help "
            + "Optimization? <em>Advances in Neural Information Processing Systems 31</em>, <em>31</em>(2), 2483–2493. "
            + "<a href=\"https://doi.org/10.48550/arXiv.1805.11604\">https://doi.org/10.48550/arXiv.1805.11604</a>")
    }

    @Test(arguments: [
        ("{\\\"u}ber", "über"), ("Caf{\\'e}", "Café"), ("\\'{e}t\\'{e}", "été"), ("Fran\\c{c}ois", "François"), ("Stra{\\ss}e", "Straße"),
        ("\\v{S}koda", "Škoda"), ("{\\o}re", "øre"), ("B{\\aa}rd", "Bård"), ("na\\\"{\\i}ve", "naïve"), ("Ho\\~{n}o", "Hoño"),
        ("\\emph{deep} learning", "deep learning"), ("10\\% of \\$5 \\& more", "10% of $5 & more"), ("pages 1--2, x---y", "pages 1–2, x—y"),
    ])
    func texAccents(_ tex: String, _ plain: String) {
        #expect(TeXText.plain(tex) == plain)
    }

    @Test(arguments: [
        ("Ioffe, Sergey", Reference.Name(last: "Ioffe", first: "Sergey")),
        ("Sergey Ioffe", .init(last: "Ioffe", first: "Sergey")),
        ("Jimmy Lei Ba", .init(last: "Ba", first: "Jimmy Lei")),
        ("Ludwig van Beethoven", .init(last: "van Beethoven", first: "Ludwig")),
        ("van der Maaten, Laurens", .init(last: "van der Maaten", first: "Laurens")),
        ("{Google Research}", .init(last: "Google Research", first: "")),
        ("Jean-Pierre Dupont", .init(last: "Dupont", first: "Jean-Pierre")),
    ])
    func names(_ written: String, _ name: Reference.Name) {
        #expect(Reference.name(written) == name)
    }

    @Test func initialsAndOthers() throws {
        let work = try reference("@misc{x, author = {Jean-Pierre Dupont and others}, title = {T}, year = {2020}}")
        #expect(work.authors[0].initials == "J.-P.")
        #expect(work.moreAuthors)
        #expect(CitationStyle.authors(work, narrative: true) == "Dupont et al.")
        #expect(CitationStyle.authorList(work) == "Dupont, J.-P., et al.")
    }

    @Test func oneAuthorBookThesisReportAndOnline() throws {
        #expect(try listEntry("@book{b, author = {Christopher M. Bishop}, title = {Pattern Recognition and Machine Learning}, publisher = {Springer}, year = {2006}}")
            == "Bishop, C. M. (2006). <em>Pattern Recognition and Machine Learning.</em> Springer.")
        #expect(try listEntry("@phdthesis{t, author = {Ann Smith}, title = {On Normalization}, school = {ETH Z{\\\"u}rich}, year = {2019}}")
            == "Smith, A. (2019). <em>On Normalization.</em> [Doctoral dissertation, ETH Zürich].")
        #expect(try listEntry("@techreport{r, author = {Ann Smith and Bo Li}, title = {Notes}, institution = {MIT}, number = {42}, year = {2001}}")
            == "Smith, A., &amp; Li, B. (2001). Notes. (Report No. 42). MIT.")
        #expect(try listEntry("@online{o, author = {{PyTorch Contributors}}, title = {BatchNorm1d}, url = {https://pytorch.org/docs}, date = {2023-05-01}}")
            == "PyTorch Contributors (2023). BatchNorm1d. <a href=\"https://pytorch.org/docs\">https://pytorch.org/docs</a>")
    }

    /// Works by the same authors in the same year get a, b in reference-list order.
    @Test func sameAuthorsSameYearAreLettered() throws {
        let contents = BibliographyFile.parse("""
            @misc{b, author = {Ann Smith}, title = {Beta}, year = {2020}}
            @misc{a, author = {Ann Smith}, title = {Alpha}, year = {2020}}
            """, file: "refs.bib", url: nil)
        let years = CitationStyle.years(Array(contents.references.values))
        #expect(years == ["a": "2020a", "b": "2020b"])
    }

    /// Each malformed entry is a located error, and reading goes on after it.
    @Test(arguments: [
        ("@article{x, title = {T}, year = {2015}\n", "refs.bib:1:1: error: entry 'x' has no closing '}'"),
        ("@article{x, title = {T\n", "refs.bib:1:21: error: '{' has no matching '}'"),
        ("@article{x, title = }\n", "refs.bib:1:21: error: field 'title' needs a value in braces or quotes, found '}'"),
        ("@article{x, journal = jmlr}\n", "refs.bib:1:23: error: unknown @string macro 'jmlr' in field 'journal' (quote or brace text values)"),
        ("@article{x, title {T}}\n", "refs.bib:1:19: error: expected '=' after field 'title', found '{'"),
        ("@article{, title = {T}}\n", "refs.bib:1:10: error: @article needs a citation key before its fields, e.g. @article{ioffe2015, …"),
        ("@article{x, title = {T} year = {1}}\n", "refs.bib:1:25: error: expected ',' or '}' after a field of 'x', found 'y'"),
        ("@article{x, title = \"T}\n", "refs.bib:1:21: error: the quoted value of 'title' has no closing '\"'"),
        ("@misc{x, title = {A}}\n@misc{x, title = {B}}\n", "refs.bib:2:1: error: duplicate key 'x' (first defined at line 1)"),
        ("@misc{x, title = {A}, title = {B}}\n", "refs.bib:1:23: error: field 'title' appears twice in 'x'"),
    ])
    func malformedEntries(_ text: String, _ message: String) {
        let contents = BibliographyFile.parse(text + "@misc{after, title = {Still read}, year = {2000}}\n", file: "refs.bib", url: nil)
        #expect(contents.diagnostics.all.map(\.description) == [message])
        #expect(contents.references["after"] != nil)
    }
}
