import Foundation
import Testing
import TestSupport

/// The tag the preview adds to every page it serves.
enum LiveScriptTag {
    static let tag = "<script src=\"/_folio/live.js\"></script>"
}

/// `folio preview` run as a user would: what it serves, what it refuses, where it listens,
/// and how it stops.
@Suite(.serialized) struct PreviewServerTests {
    /// A temporary folder with `demo.md` (from `folio new`), a secret beside the output
    /// folder, and links in the output folder pointing out of it.
    static func project() throws -> TemporaryDirectory {
        let directory = TemporaryDirectory()
        _ = try FolioProcess.run(["new", "demo"], in: directory.url)
        directory.write("secret.txt", Array("TOP SECRET CONTENT".utf8))
        directory.write("output/keep.txt", Array("kept".utf8))
        try FileManager.default.createSymbolicLink(
            atPath: directory.url.appendingPathComponent("output/outside").path, withDestinationPath: directory.url.path)
        try FileManager.default.createSymbolicLink(
            atPath: directory.url.appendingPathComponent("output/leak.txt").path,
            withDestinationPath: directory.url.appendingPathComponent("secret.txt").path)
        return directory
    }

    @Test func servesTheReportWithTheLiveScriptAndRefusesEverythingOutside() throws {
        let directory = try Self.project()
        let preview = try PreviewProcess(["demo.md", "--port", "0"], in: directory.url)
        #expect(preview.waitFor("demo.md: wrote "), "\(preview.standardError)")
        let port = try #require(preview.port)

        let home = try RawHTTP.get("/", port: port)
        #expect(home.status == 302)
        #expect(home.head.contains("Location: /demo.html"))
        let page = try RawHTTP.get("/demo.html", port: port)
        #expect(page.status == 200)
        #expect(page.body.hasSuffix("<script src=\"/_folio/live.js\"></script></body>\n</html>\n"))
        // The file on disk is what `folio build` writes: no script.
        let onDisk = try String(contentsOf: directory.url.appendingPathComponent("output/demo.html"), encoding: .utf8)
        #expect(!onDisk.contains("live.js"))
        #expect(try RawHTTP.get("/demo/figure-1.svg", port: port).head.contains("Content-Type: image/svg+xml"))
        #expect(try RawHTTP.get("/_folio/live.js", port: port).body.contains("new WebSocket("))
        #expect(try RawHTTP.get("/keep.txt", port: port).body == "kept")

        for target in ["/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt", "/..%2f..%2fsecret.txt", "/outside/secret.txt",
                       "/leak.txt", "/etc/passwd", "//etc/passwd", "\(directory.url.path)/secret.txt", "http://127.0.0.1/../secret.txt",
                       "/nothing.html"] {
            let answer = try RawHTTP.get(target, port: port)
            #expect(answer.status == 404, "\(target): \(answer.head)")
            #expect(!answer.body.contains("TOP SECRET"), "\(target)")
        }
        let post = try RawHTTP.send("POST /demo.html HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", port: port)
        #expect(post.status == 405)

        #expect(Self.listeningAddresses(port: port) == ["127.0.0.1"])
        #expect(preview.interrupt() == 0)
        #expect(preview.standardError.hasSuffix("stopped\n"))
    }

    /// A folder: `/` is its index page, a notebook not built yet has a placeholder page, and
    /// the files written are byte for byte those of `folio build`.
    @Test func aFolderServesItsIndexAndWritesWhatBuildWrites() throws {
        let directory = TemporaryDirectory()
        _ = try FolioProcess.run(["new", "nb/alpha"], in: directory.url)
        directory.write("nb/beta.md", Array("# Beta\n\n```{plot}\nruns: nothing\n```\n".utf8))
        let preview = try PreviewProcess(["nb", "--port", "0", "-o", "served"], in: directory.url)
        #expect(preview.waitFor("nb/beta.md: not built (1 error(s)); the previous report is unchanged"), "\(preview.standardError)")
        let port = try #require(preview.port)
        // The terminal shows each diagnostic with its line and a caret, as the page does.
        #expect(preview.standardError.contains("nb/beta.md:4:7: error: no run or experiment 'nothing'"))
        #expect(preview.standardError.contains("\n4 | runs: nothing\n  |       ^\n"), "\(preview.standardError)")

        let index = try RawHTTP.get("/", port: port)
        #expect(index.status == 200)
        #expect(index.body.contains("<title>Notebooks in nb</title>"))
        #expect(index.body.contains("<a href=\"alpha.html\">Alpha</a>"))
        #expect(index.body.contains("last build stopped by 1 error"))
        #expect(index.body.contains(LiveScriptTag.tag))
        let placeholder = try RawHTTP.get("/beta.html", port: port)
        #expect(placeholder.status == 200)
        #expect(placeholder.body.contains("beta.md has no report yet."))
        #expect(preview.interrupt() == 0)

        let built = try FolioProcess.run(["build", "nb", "-o", "built"], in: directory.url)
        #expect(built.status == 2)
        for file in ["alpha.html", "alpha.json", "alpha/figure-1.svg"] {
            let served = try Data(contentsOf: directory.url.appendingPathComponent("served/" + file))
            #expect(served == (try Data(contentsOf: directory.url.appendingPathComponent("built/" + file))), "\(file)")
        }
    }

    /// `--refresh` retrains in the first build; a prose edit after it trains nothing.
    @Test func refreshRetrainsOnlyInTheFirstBuild() throws {
        let directory = try Self.project()
        _ = try FolioProcess.run(["build", "demo.md"], in: directory.url)
        let preview = try PreviewProcess(["demo.md", "--port", "0", "--refresh"], in: directory.url)
        #expect(preview.waitFor("(2 run(s) trained; 1 of 1 claim(s) hold)"), "\(preview.standardError)")
        let notebook = directory.url.appendingPathComponent("demo.md")
        try (String(contentsOf: notebook, encoding: .utf8) + "\nOne more sentence.\n").write(to: notebook, atomically: true, encoding: .utf8)
        #expect(preview.waitFor("(0 run(s) trained; 1 of 1 claim(s) hold)"), "\(preview.standardError)")
        #expect(preview.interrupt() == 0)
    }

    @Test func aBusyPortIsAnErrorNamingIt() throws {
        let directory = try Self.project()
        let first = try PreviewProcess(["demo.md", "--port", "0"], in: directory.url)
        #expect(first.waitFor("serving "))
        let port = try #require(first.port)
        let second = try PreviewProcess(["demo.md", "--port", String(port)], in: directory.url)
        #expect(second.exitStatus() == 2)
        #expect(second.standardError == "folio: error: port \(port) on 127.0.0.1 is in use; choose another with --port, or leave --port out to take the next free one\n")
        _ = first.interrupt()
    }

    @Test func badArgumentsAreUsageErrors() throws {
        let directory = try Self.project()
        let host = try FolioProcess.run(["preview", "demo.md", "--host", "example.org", "--port", "0"], in: directory.url)
        #expect(host.status == 2)
        #expect(host.standardError == "folio: error: --host example.org is not an IPv4 or IPv6 address of this machine (e.g. 127.0.0.1, ::1, 0.0.0.0)\n")
        let port = try FolioProcess.run(["preview", "demo.md", "--port", "70000"], in: directory.url)
        #expect(port.status == 2)
        #expect(port.standardError.hasPrefix("Error: --port must be between 0 and 65535\n"))
        let missing = try FolioProcess.run(["preview", "nothing.md"], in: directory.url)
        #expect(missing.status == 2)
        #expect(missing.standardError == "folio: error: nothing.md: no such file or folder\n")
    }

    /// Ctrl-C while a run trains: the preview exits at once with status 0, the last report
    /// stays as it was, and the cache holds only whole entries.
    @Test func ctrlCDuringTrainingLeavesTheReportAndTheCacheIntact() throws {
        let directory = try Self.project()
        let preview = try PreviewProcess(["demo.md", "--port", "0"], in: directory.url)
        #expect(preview.waitFor("demo.md: wrote "))
        let report = try Data(contentsOf: directory.url.appendingPathComponent("output/demo.html"))
        let notebook = directory.url.appendingPathComponent("demo.md")
        let text = try String(contentsOf: notebook, encoding: .utf8)
        try text.replacingOccurrences(of: "epochs: 6", with: "epochs: 4000").write(to: notebook, atomically: true, encoding: .utf8)
        #expect(preview.waitFor("epoch 2/4000"), "\(preview.standardError)")
        #expect(preview.interrupt() == 0)
        #expect(try Data(contentsOf: directory.url.appendingPathComponent("output/demo.html")) == report)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.url.appendingPathComponent(".folio/runs").path)
        #expect(!names.isEmpty)
        for name in names {
            #expect(name.hasSuffix(".json") && !name.hasPrefix("."), "\(name)")
            let data = try Data(contentsOf: directory.url.appendingPathComponent(".folio/runs/" + name))
            #expect((try? JSONSerialization.jsonObject(with: data)) != nil, "\(name)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.appendingPathComponent("output").path).allSatisfy { !$0.hasPrefix(".") })
    }

    /// The IPv4 addresses listening on `port`, from the kernel's table (Linux).
    static func listeningAddresses(port: UInt16) -> [String] {
        guard let table = try? String(contentsOfFile: "/proc/net/tcp", encoding: .utf8) else { return ["127.0.0.1"] }
        var found: [String] = []
        for line in table.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ")
            guard fields.count > 3, fields[3] == "0A" else { continue }  // 0A: LISTEN
            let local = fields[1].split(separator: ":")
            guard local.count == 2, UInt16(local[1], radix: 16) == port, let address = UInt32(local[0], radix: 16) else { continue }
            found.append((0..<4).map { String((address >> (8 * $0)) & 0xFF) }.joined(separator: "."))
        }
        let table6 = (try? String(contentsOfFile: "/proc/net/tcp6", encoding: .utf8)) ?? ""
        for line in table6.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ")
            guard fields.count > 3, fields[3] == "0A", fields[1].hasSuffix(":" + String(format: "%04X", port)) else { continue }
            found.append("IPv6 " + fields[1])
        }
        return found
    }
}
