import Folio
import Foundation

/// What the preview tells open pages, as one JSON object per WebSocket message.
struct PreviewEvent: Encodable, Sendable {
    enum Kind: String, Encodable, Sendable {
        /// A notebook's build started.
        case building
        /// Training under way: which run of how many, its epoch, and the time left.
        case progress
        /// A build wrote the report; pages of that notebook fetch it again.
        case built
        /// A build stopped on errors; pages show them over the last good report.
        case failed
    }

    /// Training progress, for the banner.
    struct Progress: Encodable, Sendable {
        /// 1-based number of the run seed training now, of `runs` to train.
        var run: Int
        var runs: Int
        var name: String
        var epoch: Int
        var epochs: Int
        /// Estimated seconds until the build's training ends; nil until it can be guessed.
        var secondsLeft: Double?
    }

    /// One diagnostic with the line it points into.
    struct Problem: Encodable, Sendable {
        /// `file:line:column: error: message`
        var text: String
        /// The source line and a caret under the column, for the overlay.
        var excerpt: String?
    }

    var type: Kind
    /// The notebook's name (its file name without `.md`), which names its report.
    var notebook: String
    /// Counts the builds of this preview, so a page can tell one update from the next.
    var build: Int
    var progress: Progress?
    var problems: [Problem]?

    /// The event as the text of a WebSocket message.
    var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
    }
}
