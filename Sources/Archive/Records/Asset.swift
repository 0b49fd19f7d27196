import Foundation
import GRDB

/// A row of `assets`: one stored blob and what its bytes are.
public struct Asset: ArchiveRecord, Hashable {
    public static let databaseTableName = "assets"

    /// The columns queries filter and order by.
    public enum Columns {
        public static let sha256 = Column("sha256")
    }

    public var sha256: String
    public var size: Int64
    public var contentType: String
    public var durationS: Double?
    public var width: Int?
    public var height: Int?
    public var videoCodec: String?
    public var hasAudio: Bool?
    public var storedAt: Date

    public init(
        sha256: String, size: Int64, contentType: String, durationS: Double?, width: Int?,
        height: Int?, videoCodec: String?, hasAudio: Bool?, storedAt: Date
    ) {
        self.sha256 = sha256
        self.size = size
        self.contentType = contentType
        self.durationS = durationS
        self.width = width
        self.height = height
        self.videoCodec = videoCodec
        self.hasAudio = hasAudio
        self.storedAt = storedAt
    }
}
