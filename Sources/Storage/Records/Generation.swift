import EachLabs
import Foundation
import VaultDomain

/// A row of `generations`.
public struct Generation: SQLRecord, Hashable {
    public static let tableName = "generations"

    /// Every column, by its property's name.
    public enum Columns {
        public static let seq = "seq"
        public static let id = "id"
        public static let model = "model"
        public static let version = "version"
        public static let input = "input"
        public static let prompt = "prompt"
        public static let negativePrompt = "negative_prompt"
        public static let tags = "tags"
        public static let status = "status"
        public static let predictionID = "prediction_id"
        public static let providerStatus = "provider_status"
        public static let errorCode = "error_code"
        public static let errorMessage = "error_message"
        public static let costUSD = "cost_usd"
        public static let estimatedCostUSD = "estimated_cost_usd"
        public static let predictTimeS = "predict_time_s"
        public static let createdAt = "created_at"
        public static let updatedAt = "updated_at"
        public static let submittedAt = "submitted_at"
        public static let completedAt = "completed_at"
        public static let submitAttempts = "submit_attempts"
        public static let submitStartedAt = "submit_started_at"
        public static let pollAttempts = "poll_attempts"
        public static let nextActionAt = "next_action_at"
        public static let webhookSecret = "webhook_secret"
        public static let submitUncertainSince = "submit_uncertain_since"
        public static let confirmPending = "confirm_pending"
        public static let teamID = "team_id"
        public static let requestKey = "request_key"
        public static let dedupHits = "dedup_hits"
        public static let note = "note"
        public static let origin = "origin"
        public static let madeFrom = "made_from"
        public static let favourite = "favourite"
    }

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
    /// The model's price for this request when it was made (nil when the provider publishes none): a month's spend
    /// counts it until the real cost is known.
    public var estimatedCostUSD: Double?
    public var predictTimeS: Double?
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
    /// The generation this one was made again or varied from (the gallery's "Make again" and "Variation").
    public var madeFrom: String?
    /// Marked by the team as a favourite (the gallery's star; `favourite=true` finds them).
    public var favourite = false

    public enum Origin: String, Sendable, Codable, SQLValueConvertible {
        /// Submitted to the provider by EachVault.
        case submitted
        /// A prediction made outside EachVault, archived by `eachvault import` / `POST /v1/imports`.
        case imported
    }

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
}

extension Generation {
    /// Decodes a row column by column: pages and workers read these by the thousand, and the Codable path
    /// (a name conversion per column per row) cost more than the query.
    public init(row: SQLRow) throws {
        seq = try row[Columns.seq]
        id = try row[Columns.id]
        model = try row[Columns.model]
        version = try row[Columns.version]
        input = try Self.decodeJSON([String: JSONValue].self, row[Columns.input])
        prompt = try row[Columns.prompt]
        negativePrompt = try row[Columns.negativePrompt]
        tags = try Self.decodeJSON([String].self, row[Columns.tags])
        status = try row[Columns.status]
        predictionID = try row[Columns.predictionID]
        providerStatus = try row[Columns.providerStatus]
        errorCode = try row[Columns.errorCode]
        errorMessage = try row[Columns.errorMessage]
        costUSD = try row[Columns.costUSD]
        estimatedCostUSD = try row[Columns.estimatedCostUSD]
        predictTimeS = try row[Columns.predictTimeS]
        createdAt = try row[Columns.createdAt]
        updatedAt = try row[Columns.updatedAt]
        submittedAt = try row[Columns.submittedAt]
        completedAt = try row[Columns.completedAt]
        submitAttempts = try row[Columns.submitAttempts]
        submitStartedAt = try row[Columns.submitStartedAt]
        pollAttempts = try row[Columns.pollAttempts]
        nextActionAt = try row[Columns.nextActionAt]
        webhookSecret = try row[Columns.webhookSecret]
        submitUncertainSince = try row[Columns.submitUncertainSince]
        confirmPending = try row[Columns.confirmPending]
        teamID = try row[Columns.teamID]
        requestKey = try row[Columns.requestKey]
        dedupHits = try row[Columns.dedupHits]
        note = try row[Columns.note]
        origin = try row[Columns.origin]
        madeFrom = try row[Columns.madeFrom]
        favourite = try row[Columns.favourite]
    }
}
