import Archive
import EachLabs
import Foundation

/// A generation as the API shows it.
public struct GenerationView: Codable, Sendable {
    public struct ErrorView: Codable, Sendable {
        public var code: String
        public var message: String
    }

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

        enum CodingKeys: String, CodingKey {
            case field, position, sha256, size, url, error
            case sourceURL = "source_url"
            case contentType = "content_type"
        }
    }

    public struct EventView: Codable, Sendable {
        public var at: Date
        public var kind: String
        public var detail: String?
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

    enum CodingKeys: String, CodingKey {
        case id, model, version, input, prompt, status, error, tags, note, assets, inputs, snippet, history, origin
        case snippetParts = "snippet_parts"
        case predictionID = "prediction_id"
        case costUSD = "cost_usd"
        case predictTimeS = "predict_time_s"
        case createdAt = "created_at"
        case completedAt = "completed_at"
        case deduplicatedFrom = "deduplicated_from"
    }

    /// - Parameter baseURL: this service's address as the client sees it, for asset URLs.
    init(_ detail: GenerationDetail, baseURL: String, includeHistory: Bool = true) {
        let generation = detail.generation
        id = generation.id
        model = generation.model
        version = generation.version
        input = generation.input
        prompt = generation.prompt
        status = generation.status
        predictionID = generation.predictionID
        error = generation.errorCode.map { ErrorView(code: $0, message: generation.errorMessage ?? "") }
        costUSD = generation.costUSD
        predictTimeS = generation.predictTimeSeconds
        origin = generation.origin.rawValue
        createdAt = generation.createdAt
        completedAt = generation.completedAt
        tags = generation.tags
        note = generation.note
        assets = detail.outputs.compactMap { stored in
            stored.asset.map { asset in
                AssetView(
                    sha256: asset.sha256, size: asset.size, contentType: asset.contentType,
                    durationS: asset.durationSeconds, width: asset.width, height: asset.height,
                    videoCodec: asset.videoCodec, hasAudio: asset.hasAudio,
                    sourceURL: stored.output.sourceURL, url: "\(baseURL)/v1/files/\(asset.sha256)")
            }
        }
        inputs = detail.inputs.map { stored in
            InputView(
                field: stored.input.field, position: stored.input.position, sourceURL: stored.input.sourceURL,
                sha256: stored.asset?.sha256, size: stored.asset?.size, contentType: stored.asset?.contentType,
                url: stored.asset.map { "\(baseURL)/v1/files/\($0.sha256)" },
                error: stored.asset == nil ? stored.input.lastError : nil)
        }
        history = includeHistory ? detail.events.map { EventView(at: $0.at, kind: $0.kind, detail: $0.detail) } : nil
    }
}

/// A run of a search snippet: plain text, matched or not.
public struct SnippetPart: Codable, Sendable, Hashable {
    public var text: String
    public var match: Bool
}

/// A page of search results.
public struct GenerationPage: Codable, Sendable {
    public var items: [GenerationView]
    public var count: Int
    /// Pass as `cursor` for the next page; absent on the last page.
    public var nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case items, count
        case nextCursor = "next_cursor"
    }
}
