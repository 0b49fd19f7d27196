import Foundation

/// A row of `generation_inputs`: one media input URL of a generation and, once stored, its blob.
public struct GenerationInput: SQLRecord, Hashable {
    public static let tableName = "generation_inputs"

    /// Every column, by its property's name.
    public enum Columns {
        public static let generationID = "generation_id"
        public static let field = "field"
        public static let position = "position"
        public static let sourceURL = "source_url"
        public static let sha256 = "sha256"
        public static let attempts = "attempts"
        public static let nextAttemptAt = "next_attempt_at"
        public static let lastError = "last_error"
    }

    public var generationID: String
    /// The input field (`image_url`, `image_urls`, ...).
    public var field: String
    /// The index within an array field; 0 for a single URL.
    public var position: Int
    public var sourceURL: String
    public var sha256: String?
    public var attempts: Int
    public var nextAttemptAt: Date?
    public var lastError: String?

    public init(
        generationID: String, field: String, position: Int, sourceURL: String, sha256: String? = nil,
        nextAttemptAt: Date?
    ) {
        self.generationID = generationID
        self.field = field
        self.position = position
        self.sourceURL = sourceURL
        self.sha256 = sha256
        self.attempts = 0
        self.nextAttemptAt = sha256 == nil ? nextAttemptAt : nil
    }
}

extension GenerationInput {
    /// Decodes a row column by column: pages and workers read these by the thousand, and the Codable path
    /// (a name conversion per column per row) cost more than the query.
    public init(row: SQLRow) throws {
        generationID = try row[Columns.generationID]
        field = try row[Columns.field]
        position = try row[Columns.position]
        sourceURL = try row[Columns.sourceURL]
        sha256 = try row[Columns.sha256]
        attempts = try row[Columns.attempts]
        nextAttemptAt = try row[Columns.nextAttemptAt]
        lastError = try row[Columns.lastError]
    }
}
