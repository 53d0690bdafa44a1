import FlyingFox
import Foundation

/// The open pages, and what each newly opened page must be told at once: for every notebook,
/// its last `failed` event while its errors stand, or its last `progress` while it trains.
final class LiveChannel: @unchecked Sendable {
    private let lock = NSLock()
    private var clients: [Int: AsyncStream<WSMessage>.Continuation] = [:]
    private var nextClient = 0
    private var standing: [String: PreviewEvent] = [:]

    /// Pages connected now.
    var clientCount: Int { lock.withLock { clients.count } }

    /// Sends `event` to every open page and remembers what a page opened later must see.
    func send(_ event: PreviewEvent) {
        let text = event.json
        let targets = lock.withLock {
            switch event.type {
            case .failed, .progress: standing[event.notebook] = event
            case .built, .building: standing[event.notebook] = nil
            }
            return Array(clients.values)
        }
        for client in targets { client.yield(.text(text)) }
    }

    /// A new page's stream of messages, starting with the standing events; it ends when the
    /// page goes away (`incoming` finishes).
    func connect(incoming: AsyncStream<WSMessage>) -> AsyncStream<WSMessage> {
        let (stream, continuation) = AsyncStream<WSMessage>.makeStream()
        let id = lock.withLock {
            nextClient += 1
            clients[nextClient] = continuation
            for event in standing.values.sorted(by: { $0.notebook < $1.notebook }) { continuation.yield(.text(event.json)) }
            return nextClient
        }
        continuation.onTermination = { [weak self] _ in self?.disconnect(id) }
        Task {
            for await _ in incoming {}
            continuation.finish()
        }
        return stream
    }

    /// Closes every page's connection (the preview is stopping).
    func closeAll() {
        for client in lock.withLock({ Array(clients.values) }) {
            client.yield(.close(.normalClosure))
            client.finish()
        }
    }

    private func disconnect(_ id: Int) {
        _ = lock.withLock { clients.removeValue(forKey: id) }
    }
}

/// The WebSocket end of the channel.
struct LiveSocket: WSMessageHandler {
    let channel: LiveChannel

    func makeMessages(for client: AsyncStream<WSMessage>) async throws -> AsyncStream<WSMessage> {
        channel.connect(incoming: client)
    }
}
