import Foundation
import GRDB

/// A row of `generation_inputs`: one media input URL of a generation and, once stored, its blob.
public struct GenerationInput: ArchiveRecord, Hashable {
    public static let databaseTableName = "generation_inputs"

    /// The columns queries filter and order by.
    public enum Columns {
        public static let generationID = Column("generation_id")
        public static let field = Column("field")
        public static let position = Column("position")
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
