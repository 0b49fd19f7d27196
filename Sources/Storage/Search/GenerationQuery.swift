import Foundation
import VaultDomain

/// A search over the archive: full text (best match first) and filters (newest first without text), a page at a time.
public struct GenerationQuery: Sendable, Hashable {
    /// Only this team's generations (nil: every team's, for operators' tools).
    public var teamID: String?
    /// Free text: words match as prefixes, `"quoted words"` as a phrase, `-word` excludes (see `SearchPattern`).
    public var text: String?
    public var model: String?
    public var status: GenerationStatus?
    /// The model's category (text-to-video, image-to-video, ...), from the catalogue.
    public var category: String?
    public var createdAfter: Date?
    public var createdBefore: Date?
    /// Only generations carrying this tag (case-insensitive).
    public var tag: String?
    /// Seconds of video, inclusive bounds (any output).
    public var minDuration: Double?
    public var maxDuration: Double?
    public var resolution: Resolution?
    public var hasAudio: Bool?
    /// Settled cost in USD, inclusive bounds.
    public var minCost: Double?
    public var maxCost: Double?
    /// Only generations made from this input file (by SHA-256): "every video made from this image".
    public var inputSHA256: String?
    /// Only the team's favourites (true) or only the others (false).
    public var favourite: Bool?
    /// Only the generations of this collection.
    public var collectionID: String?
    /// Only these generations (the gallery's live cards re-read the pending ones it shows).
    public var ids: [String]?
    /// Match generations containing any word of `text` (similarity) rather than all of them (search).
    public var anyWord: Bool
    public var limit: Int
    /// Text is ranked within windows of this many matches, newest window first: a word in half of a million prompts
    /// costs one window's ranking per page, not the whole corpus's. Fewer matches than this: one exact ranking.
    public var rankingWindow = GenerationQuery.defaultRankingWindow
    public static let defaultRankingWindow = 1_000
    /// Continue after the page that handed out this cursor.
    public var cursor: SearchCursor?

    public init(
        teamID: String? = nil, text: String? = nil, model: String? = nil, status: GenerationStatus? = nil,
        anyWord: Bool = false, limit: Int = 50, favourite: Bool? = nil
    ) {
        self.favourite = favourite
        self.teamID = teamID
        self.text = text
        self.model = model
        self.status = status
        self.anyWord = anyWord
        self.limit = limit
    }
}

/// A video size filter: `1280x720` (exactly) or `720p` (the short side).
public enum Resolution: Sendable, Hashable, CustomStringConvertible {
    case exact(width: Int, height: Int)
    case shortSide(Int)

    public init?(_ text: String) {
        let lowered = text.lowercased().trimmingCharacters(in: .whitespaces)
        if lowered.hasSuffix("p"), let side = Int(lowered.dropLast()), side > 0 {
            self = .shortSide(side)
            return
        }
        let parts = lowered.split(separator: "x")
        guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]), width > 0, height > 0 else {
            return nil
        }
        self = .exact(width: width, height: height)
    }

    public var description: String {
        switch self {
        case .exact(let width, let height): "\(width)x\(height)"
        case .shortSide(let side): "\(side)p"
        }
    }
}

/// One search hit: the generation and, for a text search, a fragment of its prompt around the matched words.
public struct SearchHit: Sendable, Hashable {
    public var generation: Generation
    public var snippet: Snippet?

    public init(generation: Generation, snippet: Snippet?) { (self.generation, self.snippet) = (generation, snippet) }
}

/// A page of hits and, when more follow, the cursor of the next page.
public struct SearchPage: Sendable, Hashable {
    public var hits: [SearchHit]
    public var nextCursor: SearchCursor?
    /// Set when a text search matched more than one ranking window: hits are best first within each window of this
    /// many matches, newer windows first.
    public var rankingWindow: Int?

    public init(hits: [SearchHit], nextCursor: SearchCursor?, rankingWindow: Int? = nil) {
        self.hits = hits
        self.nextCursor = nextCursor
        self.rankingWindow = rankingWindow
    }
}

/// A prompt fragment with the matched words marked. The raw text carries private-use markers that never come
/// from FTS5 itself; `segments` splits it into plain and matched runs (markers read by Unicode scalar, so a
/// combining mark after one cannot hide it), for the API to escape and mark up and the CLI to print in bold.
public struct Snippet: Sendable, Hashable {
    package static let open: Unicode.Scalar = "\u{E000}"
    package static let close: Unicode.Scalar = "\u{E001}"
    public var raw: String

    public init(raw: String) { self.raw = raw }

    /// A run of the fragment, matched or not.
    public struct Segment: Sendable, Hashable {
        public var text: String
        public var isMatch: Bool
    }

    /// The fragment as alternating runs; a prompt may itself hold a marker character, so markers only count
    /// where they open or close a match (every match closes).
    public var segments: [Segment] {
        var segments: [Segment] = []
        var run = String.UnicodeScalarView()
        var marking = false
        func flush() {
            if !run.isEmpty { segments.append(Segment(text: String(run), isMatch: marking)) }
            run = String.UnicodeScalarView()
        }
        for scalar in raw.unicodeScalars {
            switch scalar {
            case Self.open where !marking, Self.close where marking:
                flush()
                marking.toggle()
            case Self.open, Self.close:
                continue
            default:
                run.append(scalar)
            }
        }
        flush()
        return segments
    }
}
