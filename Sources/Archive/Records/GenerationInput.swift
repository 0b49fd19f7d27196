import Foundation
import GRDB

/// A row of `generation_inputs`: one media input URL of a generation and, once stored, its blob.
public struct GenerationInput: ArchiveRecord, Hashable {
    public static let databaseTableName = "generation_inputs"

    /// Every column, by its property's name.
    public enum Columns {
        public static let generationID = Column("generation_id")
        public static let field = Column("field")
        public static let position = Column("position")
        public static let sourceURL = Column("source_url")
        public static let sha256 = Column("sha256")
        public static let attempts = Column("attempts")
        public static let nextAttemptAt = Column("next_attempt_at")
        public static let lastError = Column("last_error")
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
    /// Decodes a row column by column: pages and workers read these by the thousand, and GRDB's Codable path
    /// (a name conversion per column per row) cost more than the query.
    public init(row: Row) throws {
        generationID = try row.decode(forColumn: Columns.generationID)
        field = try row.decode(forColumn: Columns.field)
        position = try row.decode(forColumn: Columns.position)
        sourceURL = try row.decode(forColumn: Columns.sourceURL)
        sha256 = try row.decode(forColumn: Columns.sha256)
        attempts = try row.decode(forColumn: Columns.attempts)
        nextAttemptAt = try row.decode(Double?.self, forColumn: Columns.nextAttemptAt).map(Date.init(timeIntervalSince1970:))
        lastError = try row.decode(forColumn: Columns.lastError)
    }
}
