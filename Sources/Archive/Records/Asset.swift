import Foundation
import GRDB

/// A row of `assets`: one stored blob and what its bytes are.
public struct Asset: ArchiveRecord, Hashable {
    public static let databaseTableName = "assets"

    public var sha256: String
    public var size: Int64
    public var contentType: String
    public var durationSeconds: Double?
    public var width: Int?
    public var height: Int?
    public var videoCodec: String?
    public var hasAudio: Bool?
    public var storedAt: Date

    public init(
        sha256: String, size: Int64, contentType: String, durationSeconds: Double?, width: Int?,
        height: Int?, videoCodec: String?, hasAudio: Bool?, storedAt: Date
    ) {
        self.sha256 = sha256
        self.size = size
        self.contentType = contentType
        self.durationSeconds = durationSeconds
        self.width = width
        self.height = height
        self.videoCodec = videoCodec
        self.hasAudio = hasAudio
        self.storedAt = storedAt
    }

    public enum CodingKeys: String, CodingKey, ColumnExpression {
        case sha256, size, width, height
        case contentType = "content_type"
        case durationSeconds = "duration_s"
        case videoCodec = "video_codec"
        case hasAudio = "has_audio"
        case storedAt = "stored_at"
    }
}
