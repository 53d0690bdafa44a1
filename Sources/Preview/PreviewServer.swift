import FlyingFox
import FlyingSocks
import Foundation

/// The HTTP side of a preview: the output folder's files (HTML pages with the live script
/// added), the script itself, and the WebSocket that tells pages to update.
struct PreviewHandler: HTTPHandler {
    let folder: ServedFolder
    let socket: WebSocketHTTPHandler
    /// The reports the preview builds, by name: before the first build writes one, its page
    /// is a placeholder that fills in when the build ends.
    let reports: Set<String>
    /// Where `/` goes: the index page for a folder, else the one report.
    let home: String

    init(folder: URL, channel: LiveChannel, reports: Set<String>, home: String) {
        self.folder = ServedFolder(folder)
        socket = WebSocketHTTPHandler(handler: MessageFrameWSHandler(handler: LiveSocket(channel: channel)))
        self.reports = reports
        self.home = home
    }

    func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
        let path = request.target.path(percentEncoded: true)
        if path == LiveScript.socketPath { return try await socket.handleRequest(request) }
        guard request.method == .GET || request.method == .HEAD else {
            return Self.text(.methodNotAllowed, "405 method not allowed: the preview only serves files\n", headers: [HTTPHeader("Allow"): "GET, HEAD"])
        }
        if path == LiveScript.path {
            return Self.response(.ok, Data(LiveScript.source.utf8), type: "text/javascript; charset=utf-8")
        }
        if path == "/" && home != "index.html" {
            return HTTPResponse(statusCode: .found, headers: [.location: "/" + home], body: Data())
        }
        guard let file = folder.file(forRequestPath: path) else {
            let name = String(path.dropFirst()), report = name.hasSuffix(".html") ? String(name.dropLast(5)) : ""
            if reports.contains(report) { return Self.page(Self.placeholder(report)) }
            return Self.text(.notFound, "404 not found: \(path.prefix(200))\n")
        }
        guard let data = try? Data(contentsOf: file) else { return Self.text(.notFound, "404 not found\n") }
        if file.pathExtension == "html" { return Self.page(String(decoding: data, as: UTF8.self)) }
        return Self.response(.ok, data, type: ServedFolder.contentType(of: file))
    }

    /// An HTML page with the live script, never cached (it changes on every build).
    static func page(_ html: String) -> HTTPResponse {
        response(.ok, Data(LiveScript.inject(into: html).utf8), type: "text/html; charset=utf-8")
    }

    static func response(_ status: HTTPStatusCode, _ body: Data, type: String, headers: [HTTPHeader: String] = [:]) -> HTTPResponse {
        var all = headers
        all[.contentType] = type
        all[HTTPHeader("Cache-Control")] = "no-store"
        all[HTTPHeader("X-Content-Type-Options")] = "nosniff"
        return HTTPResponse(statusCode: status, headers: HTTPHeaders(all), body: body)
    }

    static func text(_ status: HTTPStatusCode, _ message: String, headers: [HTTPHeader: String] = [:]) -> HTTPResponse {
        response(status, Data(message.utf8), type: "text/plain; charset=utf-8", headers: headers)
    }

    /// The page of a report not written yet (its first build trains, or stopped on errors).
    static func placeholder(_ name: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(name): building</title></head>
        <body><main style="font:17px/1.6 system-ui,sans-serif;max-width:46rem;margin:3rem auto;padding:0 1rem">
        <p>\(name).md has no report yet. This page shows it as soon as its first build ends.</p></main></body></html>
        """
    }
}

/// A running HTTP server on one address.
final class PreviewServer: Sendable {
    let server: HTTPServer
    let task: Task<Void, any Error>
    /// The port it listens on.
    let port: UInt16

    private init(server: HTTPServer, task: Task<Void, any Error>, port: UInt16) {
        self.server = server
        self.task = task
        self.port = port
    }

    /// Why a server could not start.
    enum StartFailure: Error {
        case addressInUse
        case badHost(String)
        case other(String)
    }

    /// Starts serving with `handler` on `host:port` (port 0: one the system picks), returning
    /// once the socket listens.
    static func start(host: String, port: UInt16, handler: PreviewHandler) async throws(StartFailure) -> PreviewServer {
        let address: any SocketAddress
        do {
            let numeric = host == "localhost" ? "127.0.0.1" : host
            address = numeric.contains(":") ? try sockaddr_in6.inet6(ip6: numeric, port: port) : try sockaddr_in.inet(ip4: numeric, port: port)
        } catch {
            throw .badHost(host)
        }
        let server = HTTPServer(address: address, timeout: 30, logger: .disabled, handler: handler)
        let failure = FailureBox()
        let task = Task {
            do { try await server.run() } catch {
                failure.set(error)
                throw error
            }
        }
        while await !server.isListening {
            if let error = failure.value {
                if case SocketError.failed(_, let code, _) = error, code == EADDRINUSE { throw .addressInUse }
                throw .other(error.localizedDescription)
            }
            try? await Task.sleep(for: .milliseconds(5))
        }
        var bound = port
        if case .ip4(_, let listening)? = await server.listeningAddress { bound = listening }
        if case .ip6(_, let listening)? = await server.listeningAddress { bound = listening }
        return PreviewServer(server: server, task: task, port: bound)
    }

    func stop() async {
        await server.stop(timeout: 0.5)
        task.cancel()
    }
}

/// The error a server task ended with, read by the thread waiting for it to listen.
private final class FailureBox: @unchecked Sendable {
    private let lock = NSLock()
    private var error: (any Error)?
    var value: (any Error)? { lock.withLock { error } }
    func set(_ error: any Error) { lock.withLock { self.error = error } }
}
