import Foundation
import TestSupport

/// `folio preview` running in the background, its standard error collected as it comes.
/// It is stopped (SIGKILL) when released, so a failing test leaves no server behind.
final class PreviewProcess: @unchecked Sendable {
    private let process = Process()
    private let lock = NSLock()
    private var collected = Data()

    init(_ arguments: [String], in directory: URL) throws {
        process.executableURL = FolioProcess.productsDirectory.appendingPathComponent("folio")
        process.arguments = ["preview"] + arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["CI"] = "true"
        process.environment = environment
        let error = Pipe()
        process.standardError = error
        process.standardOutput = FileHandle.nullDevice
        error.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            self?.lock.withLock { self?.collected.append(data) }
        }
        try process.run()
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Everything it printed so far.
    var standardError: String { lock.withLock { String(decoding: collected, as: UTF8.self) } }

    /// Waits until standard error holds `text` `count` times; false after `seconds`, or when
    /// the process ended first.
    func waitFor(_ text: String, count: Int = 1, seconds: Double = 60) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if standardError.components(separatedBy: text).count - 1 >= count { return true }
            if !process.isRunning { return standardError.components(separatedBy: text).count - 1 >= count }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return false
    }

    /// The port from the "serving … at http://127.0.0.1:PORT/…" line.
    var port: UInt16? {
        guard let range = standardError.range(of: #"at http://[^:]+:([0-9]+)/"#, options: .regularExpression) else { return nil }
        let text = standardError[range]
        return UInt16(text.split(separator: ":").last!.dropLast())
    }

    /// Sends SIGINT (Ctrl-C) and returns the exit status.
    func interrupt() -> Int32 {
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Waits for the process to end by itself (at most `seconds`), then returns its status.
    func exitStatus(seconds: Double = 30) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        return process.isRunning ? nil : process.terminationStatus
    }
}

/// One HTTP/1.1 request sent as written (no client normalizes its path), and the answer.
struct RawHTTP {
    var status: Int
    var head: String
    var body: String

    static func send(_ request: String, port: UInt16) throws -> RawHTTP {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw Failure("socket: errno \(errno)") }
        defer { close(socket) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure("connect to port \(port): errno \(errno)") }
        let bytes = Array(request.utf8)
        guard Glibc.send(socket, bytes, bytes.count, Int32(MSG_NOSIGNAL)) == bytes.count else { throw Failure("send: errno \(errno)") }
        var answer = [UInt8](), buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(socket, &buffer, buffer.count, 0)
            if count <= 0 { break }
            answer += buffer[0..<count]
        }
        let text = String(decoding: answer, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { throw Failure("no HTTP answer to \(request.debugDescription): \(text.debugDescription)") }
        let head = String(text[..<split.lowerBound])
        let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
        return RawHTTP(status: status, head: head, body: String(text[split.upperBound...]))
    }

    /// `GET target` with the connection closed after the answer.
    static func get(_ target: String, port: UInt16) throws -> RawHTTP {
        try send("GET \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n", port: port)
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
