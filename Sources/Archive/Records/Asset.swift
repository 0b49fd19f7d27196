import Foundation
import GRDB

/// A row of `assets`: one stored blob and what its bytes are.
public struct Asset: ArchiveRecord, Hashable {
    public static let databaseTableName = "assets"

    /// Every column, by its property's name.
    public enum Columns {
        public static let sha256 = Column("sha256")
        public static let size = Column("size")
        public static let contentType = Column("content_type")
        public static let durationS = Column("duration_s")
        public static let width = Column("width")
        public static let height = Column("height")
        public static let videoCodec = Column("video_codec")
        public static let hasAudio = Column("has_audio")
        public static let storedAt = Column("stored_at")
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

extension Asset {
    /// Decodes a row column by column: pages and workers read these by the thousand, and GRDB's Codable path
    /// (a name conversion per column per row) cost more than the query.
    public init(row: Row) throws {
        sha256 = try row.decode(forColumn: Columns.sha256)
        size = try row.decode(forColumn: Columns.size)
        contentType = try row.decode(forColumn: Columns.contentType)
        durationS = try row.decode(forColumn: Columns.durationS)
        width = try row.decode(forColumn: Columns.width)
        height = try row.decode(forColumn: Columns.height)
        videoCodec = try row.decode(forColumn: Columns.videoCodec)
        hasAudio = try row.decode(forColumn: Columns.hasAudio)
        storedAt = Date(timeIntervalSince1970: try row.decode(Double.self, forColumn: Columns.storedAt))
    }
}
