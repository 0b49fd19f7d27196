import Foundation
import GRDB

/// A row of `generation_outputs`: one provider output URL and, once stored, its blob.
public struct GenerationOutput: ArchiveRecord, Hashable {
    public static let databaseTableName = "generation_outputs"

    /// The columns queries filter and order by.
    public enum Columns {
        public static let generationID = Column("generation_id")
        public static let position = Column("position")
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
