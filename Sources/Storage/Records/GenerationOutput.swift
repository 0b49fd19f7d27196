import Foundation

/// A row of `generation_outputs`: one provider output URL and, once stored, its blob.
public struct GenerationOutput: SQLRecord, Hashable {
    public static let tableName = "generation_outputs"

    /// Every column, by its property's name.
    public enum Columns {
        public static let generationID = "generation_id"
        public static let position = "position"
        public static let sourceURL = "source_url"
        public static let sha256 = "sha256"
        public static let attempts = "attempts"
        public static let nextAttemptAt = "next_attempt_at"
        public static let lastError = "last_error"
    }

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
}

extension GenerationOutput {
    /// Decodes a row column by column: pages and workers read these by the thousand, and the Codable path
    /// (a name conversion per column per row) cost more than the query.
    public init(row: SQLRow) throws {
        generationID = try row[Columns.generationID]
        position = try row[Columns.position]
        sourceURL = try row[Columns.sourceURL]
        sha256 = try row[Columns.sha256]
        attempts = try row[Columns.attempts]
        nextAttemptAt = try row[Columns.nextAttemptAt]
        lastError = try row[Columns.lastError]
    }
}
