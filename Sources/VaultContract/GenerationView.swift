import EachLabs
import Foundation
import VaultDomain

/// A generation as the API shows it.
public struct GenerationView: Codable, Sendable {
    public struct ErrorView: Codable, Sendable {
        public var code: String
        public var message: String

        public init(code: String, message: String) {
            self.code = code
            self.message = message
        }
    }

    /// A stored output: the archive's copy, what the probe read of it, and where the provider had it.
    public struct AssetView: Codable, Sendable {
        public var sha256: String
        public var size: Int64
        public var contentType: String
        public var durationS: Double?
        public var width: Int?
        public var height: Int?
        public var videoCodec: String?
        public var hasAudio: Bool?
        public var sourceURL: String
        public var url: String

        public init(
            sha256: String, size: Int64, contentType: String, durationS: Double?, width: Int?, height: Int?,
            videoCodec: String?, hasAudio: Bool?, sourceURL: String, url: String
        ) {
            self.sha256 = sha256
            self.size = size
            self.contentType = contentType
            self.durationS = durationS
            self.width = width
            self.height = height
            self.videoCodec = videoCodec
            self.hasAudio = hasAudio
            self.sourceURL = sourceURL
            self.url = url
        }

        enum CodingKeys: String, CodingKey {
            case sha256, size, width, height, url
            case contentType = "content_type"
            case durationS = "duration_s"
            case videoCodec = "video_codec"
            case hasAudio = "has_audio"
            case sourceURL = "source_url"
        }
    }

    /// A media input (lineage): where it came from and, once stored, the archive's copy.
    public struct InputView: Codable, Sendable {
        public var field: String
        public var position: Int
        public var sourceURL: String
        public var sha256: String?
        public var size: Int64?
        public var contentType: String?
        public var url: String?
        public var error: String?

        public init(
            field: String, position: Int, sourceURL: String, sha256: String?, size: Int64?, contentType: String?,
            url: String?, error: String?
        ) {
            self.field = field
            self.position = position
            self.sourceURL = sourceURL
            self.sha256 = sha256
            self.size = size
            self.contentType = contentType
            self.url = url
            self.error = error
        }

        enum CodingKeys: String, CodingKey {
            case field, position, sha256, size, url, error
            case sourceURL = "source_url"
            case contentType = "content_type"
        }
    }

    /// A create that may not have reached the provider (the service stopped mid-call, the answer was lost): since
    /// when, and what EachVault does about it. `POST /v1/generations/{id}/resend` sends it again at once.
    public struct UncertainCreateView: Codable, Sendable, Hashable {
        public var since: Date
        public var message: String

        public init(since: Date, message: String) {
            self.since = since
            self.message = message
        }
    }

    public struct EventView: Codable, Sendable {
        public var at: Date
        public var kind: String
        public var detail: String?

        public init(at: Date, kind: String, detail: String?) {
            self.at = at
            self.kind = kind
            self.detail = detail
        }
    }

    public var id: String
    public var model: String
    public var version: String
    public var input: [String: JSONValue]
    public var prompt: String?
    public var status: GenerationStatus
    public var predictionID: String?
    public var error: ErrorView?
    public var costUSD: Double?
    public var predictTimeS: Double?
    /// `submitted` by EachVault or `imported` from a prediction made elsewhere.
    public var origin: String
    public var createdAt: Date
    public var completedAt: Date?
    public var tags: [String]
    public var note: String?
    /// Marked by the team as a favourite.
    public var favourite = false
    public var assets: [AssetView]
    public var inputs: [InputView]
    /// In search results for text: the prompt around the matched words, HTML-escaped, matches in `<mark>`.
    public var snippet: String?
    /// The same fragment as plain runs, `match` marking the matched words: for clients that are not browsers (the
    /// CLI prints these, in bold on a terminal), so nobody has to take HTML apart.
    public var snippetParts: [SnippetPart]?
    public var history: [EventView]?
    /// Set on a create answered by an identical earlier request of the team: that generation's id.
    public var deduplicatedFrom: String?
    /// The generation this one was made again or varied from.
    public var madeFrom: String?
    /// Set while the generation's create may not have reached the provider.
    public var createUncertain: UncertainCreateView?

    public init(
        id: String, model: String, version: String, input: [String: JSONValue], prompt: String?,
        status: GenerationStatus, predictionID: String?, error: ErrorView?, costUSD: Double?, predictTimeS: Double?,
        origin: String, createdAt: Date, completedAt: Date?, tags: [String], note: String?, assets: [AssetView],
        inputs: [InputView], history: [EventView]?
    ) {
        self.id = id
        self.model = model
        self.version = version
        self.input = input
        self.prompt = prompt
        self.status = status
        self.predictionID = predictionID
        self.error = error
        self.costUSD = costUSD
        self.predictTimeS = predictTimeS
        self.origin = origin
        self.createdAt = createdAt
        self.completedAt = completedAt
        self.tags = tags
        self.note = note
        self.assets = assets
        self.inputs = inputs
        self.history = history
    }

    enum CodingKeys: String, CodingKey {
        case id, model, version, input, prompt, status, error, origin, tags, note, favourite, assets, inputs, snippet
        case history
        case predictionID = "prediction_id"
        case costUSD = "cost_usd"
        case predictTimeS = "predict_time_s"
        case createdAt = "created_at"
        case completedAt = "completed_at"
        case snippetParts = "snippet_parts"
        case deduplicatedFrom = "deduplicated_from"
        case madeFrom = "made_from"
        case createUncertain = "create_uncertain"
    }
}

/// A run of a search snippet: plain text, matched or not.
public struct SnippetPart: Codable, Sendable, Hashable {
    public var text: String
    public var match: Bool

    public init(text: String, match: Bool) {
        self.text = text
        self.match = match
    }
}

/// A page of search results.
public struct GenerationPage: Codable, Sendable {
    public var items: [GenerationView]
    public var count: Int
    /// Pass as `cursor` for the next page; absent on the last page.
    public var nextCursor: String?
    /// Present when a text search matched more than this many generations: results are best first within each
    /// window of this many matches, newest window first (so a common word answers in milliseconds at any size).
    public var rankingWindow: Int?

    public init(items: [GenerationView], nextCursor: String?, rankingWindow: Int? = nil) {
        self.items = items
        self.count = items.count
        self.nextCursor = nextCursor
        self.rankingWindow = rankingWindow
    }

    enum CodingKeys: String, CodingKey {
        case items, count
        case nextCursor = "next_cursor"
        case rankingWindow = "ranking_window"
    }
}
