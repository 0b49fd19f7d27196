import Foundation
import GRDB

/// A row of `provider_uploads`: a stored file the provider already holds at `publicURL`.
public struct ProviderUpload: ArchiveRecord, Hashable {
    public static let databaseTableName = "provider_uploads"

    /// The columns queries filter and order by.
    public enum Columns {
        public static let sha256 = Column("sha256")
        public static let reuseUntil = Column("reuse_until")
    }

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
}
