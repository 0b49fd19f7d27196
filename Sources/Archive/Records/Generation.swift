import EachLabs
import Foundation
import GRDB
import VaultContract

/// A row of `generations`.
public struct Generation: ArchiveRecord, Hashable {
    public static let databaseTableName = "generations"

    /// Every column, by its property's name.
    public enum Columns {
        public static let seq = Column("seq")
        public static let id = Column("id")
        public static let model = Column("model")
        public static let version = Column("version")
        public static let input = Column("input")
        public static let prompt = Column("prompt")
        public static let negativePrompt = Column("negative_prompt")
        public static let tags = Column("tags")
        public static let status = Column("status")
        public static let predictionID = Column("prediction_id")
        public static let providerStatus = Column("provider_status")
        public static let errorCode = Column("error_code")
        public static let errorMessage = Column("error_message")
        public static let costUSD = Column("cost_usd")
        public static let predictTimeS = Column("predict_time_s")
        public static let createdAt = Column("created_at")
        public static let updatedAt = Column("updated_at")
        public static let submittedAt = Column("submitted_at")
        public static let completedAt = Column("completed_at")
        public static let submitAttempts = Column("submit_attempts")
        public static let submitStartedAt = Column("submit_started_at")
        public static let pollAttempts = Column("poll_attempts")
        public static let nextActionAt = Column("next_action_at")
        public static let webhookSecret = Column("webhook_secret")
        public static let submitUncertainSince = Column("submit_uncertain_since")
        public static let confirmPending = Column("confirm_pending")
        public static let teamID = Column("team_id")
        public static let requestKey = Column("request_key")
        public static let dedupHits = Column("dedup_hits")
        public static let note = Column("note")
        public static let origin = Column("origin")
        public static let madeFrom = Column("made_from")
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

    public enum Origin: String, Sendable, Codable, DatabaseValueConvertible {
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

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        seq = inserted.rowID
    }
}

extension Generation {
    /// Decodes a row column by column: pages and workers read these by the thousand, and GRDB's Codable path
    /// (a name conversion per column per row) cost more than the query.
    public init(row: Row) throws {
        seq = try row.decode(forColumn: Columns.seq)
        id = try row.decode(forColumn: Columns.id)
        model = try row.decode(forColumn: Columns.model)
        version = try row.decode(forColumn: Columns.version)
        input = try Self.decodeJSON([String: JSONValue].self, row.decode(forColumn: Columns.input))
        prompt = try row.decode(forColumn: Columns.prompt)
        negativePrompt = try row.decode(forColumn: Columns.negativePrompt)
        tags = try Self.decodeJSON([String].self, row.decode(forColumn: Columns.tags))
        status = try row.decode(forColumn: Columns.status)
        predictionID = try row.decode(forColumn: Columns.predictionID)
        providerStatus = try row.decode(forColumn: Columns.providerStatus)
        errorCode = try row.decode(forColumn: Columns.errorCode)
        errorMessage = try row.decode(forColumn: Columns.errorMessage)
        costUSD = try row.decode(forColumn: Columns.costUSD)
        predictTimeS = try row.decode(forColumn: Columns.predictTimeS)
        createdAt = Date(timeIntervalSince1970: try row.decode(Double.self, forColumn: Columns.createdAt))
        updatedAt = Date(timeIntervalSince1970: try row.decode(Double.self, forColumn: Columns.updatedAt))
        submittedAt = try row.decode(Double?.self, forColumn: Columns.submittedAt).map(Date.init(timeIntervalSince1970:))
        completedAt = try row.decode(Double?.self, forColumn: Columns.completedAt).map(Date.init(timeIntervalSince1970:))
        submitAttempts = try row.decode(forColumn: Columns.submitAttempts)
        submitStartedAt = try row.decode(Double?.self, forColumn: Columns.submitStartedAt).map(Date.init(timeIntervalSince1970:))
        pollAttempts = try row.decode(forColumn: Columns.pollAttempts)
        nextActionAt = try row.decode(Double?.self, forColumn: Columns.nextActionAt).map(Date.init(timeIntervalSince1970:))
        webhookSecret = try row.decode(forColumn: Columns.webhookSecret)
        submitUncertainSince = try row.decode(Double?.self, forColumn: Columns.submitUncertainSince).map(Date.init(timeIntervalSince1970:))
        confirmPending = try row.decode(forColumn: Columns.confirmPending)
        teamID = try row.decode(forColumn: Columns.teamID)
        requestKey = try row.decode(forColumn: Columns.requestKey)
        dedupHits = try row.decode(forColumn: Columns.dedupHits)
        note = try row.decode(forColumn: Columns.note)
        origin = try row.decode(forColumn: Columns.origin)
        madeFrom = try row.decode(forColumn: Columns.madeFrom)
    }
}
