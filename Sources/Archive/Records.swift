import EachLabs
import Foundation
import GRDB

/// A generation's life cycle as EachVault reports it.
public enum GenerationStatus: String, Sendable, Codable, CaseIterable, DatabaseValueConvertible {
    case pending, submitted, processing, downloading, completed, failed, cancelled

    public var isFinal: Bool { self == .completed || self == .failed || self == .cancelled }
}

/// Records store dates as Unix seconds and JSON with sorted keys.
public protocol ArchiveRecord: Codable, FetchableRecord, PersistableRecord, Sendable {}

extension ArchiveRecord {
    public static func databaseDateEncodingStrategy(for column: String) -> DatabaseDateEncodingStrategy {
        .timeIntervalSince1970
    }

    public static func databaseDateDecodingStrategy(for column: String) -> DatabaseDateDecodingStrategy {
        .timeIntervalSince1970
    }

    public static func databaseJSONEncoder(for column: String) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

/// A row of `generations`.
public struct Generation: ArchiveRecord, Hashable {
    public static let databaseTableName = "generations"

    public var seq: Int64?
    public var id: String
    public var model: String
    public var version: String
    public var input: [String: JSONValue]
    public var prompt: String?
    public var negativePrompt: String?
    public var tags: [String]
    public var status: GenerationStatus
    public var predictionID: String?
    public var providerStatus: String?
    public var errorCode: String?
    public var errorMessage: String?
    public var costUSD: Double?
    public var predictTimeSeconds: Double?
    public var createdAt: Date
    public var updatedAt: Date
    public var submittedAt: Date?
    public var completedAt: Date?
    public var submitAttempts: Int
    public var submitStartedAt: Date?
    public var pollAttempts: Int
    public var nextActionAt: Date?
    /// The HMAC key the provider signs this generation's webhook with; nil when webhooks are off.
    public var webhookSecret: String?
    public var submitUncertainSince: Date?
    public var confirmPending: Bool
    /// The team that owns the generation (nil only for generations recorded before teams existed).
    public var teamID: String?
    /// The canonical request key (deduplication); nil for generations recorded before keys existed.
    public var requestKey: String?
    /// Later requests of the team answered by this generation instead of a new (paid) prediction.
    public var dedupHits: Int
    /// A free-text note added after the fact (searchable).
    public var note: String?
    /// How the generation entered the archive.
    public var origin: Origin

    public enum Origin: String, Sendable, Codable, DatabaseValueConvertible {
        /// Submitted to the provider by EachVault.
        case submitted
        /// A prediction made outside EachVault, archived by `eachvault import` / `POST /v1/imports`.
        case imported
    }

    public enum CodingKeys: String, CodingKey, ColumnExpression {
        case seq, id, model, version, input, prompt, tags, status
        case negativePrompt = "negative_prompt"
        case predictionID = "prediction_id"
        case providerStatus = "provider_status"
        case errorCode = "error_code"
        case errorMessage = "error_message"
        case costUSD = "cost_usd"
        case predictTimeSeconds = "predict_time_s"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case submittedAt = "submitted_at"
        case completedAt = "completed_at"
        case submitAttempts = "submit_attempts"
        case submitStartedAt = "submit_started_at"
        case pollAttempts = "poll_attempts"
        case nextActionAt = "next_action_at"
        case webhookSecret = "webhook_secret"
        case submitUncertainSince = "submit_uncertain_since"
        case confirmPending = "confirm_pending"
        case teamID = "team_id"
        case requestKey = "request_key"
        case dedupHits = "dedup_hits"
        case note, origin
    }
    public typealias Columns = CodingKeys

    /// A new, not yet submitted generation. The prompt fields are lifted from the input for search.
    public init(
        id: String, teamID: String? = nil, model: String, version: String, input: [String: JSONValue],
        tags: [String], webhookSecret: String? = nil, requestKey: String? = nil, now: Date
    ) {
        self.teamID = teamID
        self.requestKey = requestKey
        self.dedupHits = 0
        self.id = id
        self.model = model
        self.version = version
        self.input = input
        self.prompt = input["prompt"]?.stringValue
        self.negativePrompt = input["negative_prompt"]?.stringValue
        self.tags = tags
        self.status = .pending
        self.createdAt = now
        self.updatedAt = now
        self.submitAttempts = 0
        self.pollAttempts = 0
        self.nextActionAt = now
        self.webhookSecret = webhookSecret
        self.confirmPending = false
        self.origin = .submitted
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        seq = inserted.rowID
    }
}

/// A row of `assets`: one stored blob and what its bytes are.
public struct Asset: ArchiveRecord, Hashable {
    public static let databaseTableName = "assets"

    public var sha256: String
    public var size: Int64
    public var contentType: String
    public var durationSeconds: Double?
    public var width: Int?
    public var height: Int?
    public var videoCodec: String?
    public var hasAudio: Bool?
    public var storedAt: Date

    public init(
        sha256: String, size: Int64, contentType: String, durationSeconds: Double?, width: Int?,
        height: Int?, videoCodec: String?, hasAudio: Bool?, storedAt: Date
    ) {
        self.sha256 = sha256
        self.size = size
        self.contentType = contentType
        self.durationSeconds = durationSeconds
        self.width = width
        self.height = height
        self.videoCodec = videoCodec
        self.hasAudio = hasAudio
        self.storedAt = storedAt
    }

    public enum CodingKeys: String, CodingKey, ColumnExpression {
        case sha256, size, width, height
        case contentType = "content_type"
        case durationSeconds = "duration_s"
        case videoCodec = "video_codec"
        case hasAudio = "has_audio"
        case storedAt = "stored_at"
    }
}

/// A row of `generation_outputs`: one provider output URL and, once stored, its blob.
public struct GenerationOutput: ArchiveRecord, Hashable {
    public static let databaseTableName = "generation_outputs"

    public var generationID: String
    public var position: Int
    public var sourceURL: String
    public var sha256: String?
    public var attempts: Int
    public var nextAttemptAt: Date?
    public var lastError: String?

    public init(generationID: String, position: Int, sourceURL: String, sha256: String? = nil, nextAttemptAt: Date?) {
        self.generationID = generationID
        self.position = position
        self.sourceURL = sourceURL
        self.sha256 = sha256
        self.attempts = 0
        self.nextAttemptAt = sha256 == nil ? nextAttemptAt : nil
    }

    public enum CodingKeys: String, CodingKey, ColumnExpression {
        case position, sha256, attempts
        case generationID = "generation_id"
        case sourceURL = "source_url"
        case nextAttemptAt = "next_attempt_at"
        case lastError = "last_error"
    }
    public typealias Columns = CodingKeys
}

/// A row of `generation_events`: one step in a generation's history.
public struct GenerationEvent: ArchiveRecord, Hashable {
    public static let databaseTableName = "generation_events"

    public var id: Int64?
    public var generationID: String
    public var at: Date
    public var kind: String
    public var detail: String?

    public init(generationID: String, at: Date, kind: String, detail: String?) {
        self.generationID = generationID
        self.at = at
        self.kind = kind
        self.detail = detail
    }

    public enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, at, kind, detail
        case generationID = "generation_id"
    }
}

/// A row of `models`: a cached catalogue entry.
public struct CatalogueModel: ArchiveRecord, Hashable {
    public static let databaseTableName = "models"

    public var slug: String
    public var version: String
    public var title: String
    public var category: String?
    public var outputType: String?
    public var requestSchema: RequestSchema
    public var cost: ModelCost?
    public var fetchedAt: Date
    /// When the single-model read (the only one that carries `cost`) was cached.
    public var detailFetchedAt: Date?

    public init(_ model: ProviderModel, fetchedAt: Date) {
        slug = model.slug
        version = model.version
        title = model.title
        category = model.kind.rawValue
        outputType = model.outputType
        requestSchema = model.requestSchema
        cost = model.cost
        self.fetchedAt = fetchedAt
    }

    public enum CodingKeys: String, CodingKey, ColumnExpression {
        case slug, version, title, category, cost
        case outputType = "output_type"
        case requestSchema = "request_schema"
        case fetchedAt = "fetched_at"
        case detailFetchedAt = "detail_fetched_at"
    }
}

extension Date {
    /// Unix seconds: how times are stored and bound in SQL (GRDB would bind a `Date` as text).
    public var unix: Double { timeIntervalSince1970 }
}
