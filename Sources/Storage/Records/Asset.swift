import Foundation

/// A row of `assets`: one stored blob and what its bytes are.
public struct Asset: SQLRecord, Hashable {
    public static let tableName = "assets"

    /// Every column, by its property's name.
    public enum Columns {
        public static let sha256 = "sha256"
        public static let size = "size"
        public static let contentType = "content_type"
        public static let durationS = "duration_s"
        public static let width = "width"
        public static let height = "height"
        public static let videoCodec = "video_codec"
        public static let hasAudio = "has_audio"
        public static let storedAt = "stored_at"
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
    /// Decodes a row column by column: pages and workers read these by the thousand, and the Codable path
    /// (a name conversion per column per row) cost more than the query.
    public init(row: SQLRow) throws {
        sha256 = try row[Columns.sha256]
        size = try row[Columns.size]
        contentType = try row[Columns.contentType]
        durationS = try row[Columns.durationS]
        width = try row[Columns.width]
        height = try row[Columns.height]
        videoCodec = try row[Columns.videoCodec]
        hasAudio = try row[Columns.hasAudio]
        storedAt = try row[Columns.storedAt]
    }
}
