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
    public var createdAt: Date
    public var completedAt: Date?
    public var tags: [String]
    public var note: String?
    public var assets: [AssetView]
    public var history: [EventView]?
    /// Set on a create answered by an identical earlier request of the team: that generation's id.
    public var deduplicatedFrom: String?

    enum CodingKeys: String, CodingKey {
        case id, model, version, input, prompt, status, error, tags, note, assets, history
        case predictionID = "prediction_id"
        case costUSD = "cost_usd"
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
        createdAt = generation.createdAt
        completedAt = generation.completedAt
        tags = generation.tags
        note = generation.note
        assets = detail.outputs.compactMap { stored in
            stored.asset.map { asset in
                AssetView(sha256: asset.sha256, size: asset.size, contentType: asset.contentType,
                          durationS: asset.durationSeconds, width: asset.width, height: asset.height,
                          videoCodec: asset.videoCodec, hasAudio: asset.hasAudio,
                          sourceURL: stored.output.sourceURL, url: "\(baseURL)/v1/files/\(asset.sha256)")
            }
        }
        history = includeHistory ? detail.events.map { EventView(at: $0.at, kind: $0.kind, detail: $0.detail) } : nil
    }
}

/// A page of search results.
public struct GenerationPage: Codable, Sendable {
    public var items: [GenerationView]
    public var count: Int
}
