import Foundation
import GRDB

/// A row of `provider_uploads`: a stored file the provider already holds at `publicURL`.
public struct ProviderUpload: ArchiveRecord, Hashable {
    public static let databaseTableName = "provider_uploads"

    public var sha256: String
    public var uploadID: String
    public var publicURL: String
    public var uploadedAt: Date
    public var reuseUntil: Date

    public init(sha256: String, uploadID: String, publicURL: String, uploadedAt: Date, reuseUntil: Date) {
        self.sha256 = sha256
        self.uploadID = uploadID
        self.publicURL = publicURL
        self.uploadedAt = uploadedAt
        self.reuseUntil = reuseUntil
    }

    public enum CodingKeys: String, CodingKey, ColumnExpression {
        case sha256
        case uploadID = "upload_id"
        case publicURL = "public_url"
        case uploadedAt = "uploaded_at"
        case reuseUntil = "reuse_until"
    }
}
