import Foundation

/// A row of `provider_uploads`: a stored file the provider already holds at `publicURL`, sent for one team and reused
/// by that team alone (another team's history is never visible through it).
public struct ProviderUpload: SQLRecord, Hashable {
    public static let tableName = "provider_uploads"

    /// The columns queries filter and order by.
    public enum Columns {
        public static let teamID = "team_id"
        public static let sha256 = "sha256"
        public static let reuseUntil = "reuse_until"
    }

    public var teamID: String
    public var sha256: String
    public var uploadID: String
    public var publicURL: String
    public var uploadedAt: Date
    public var reuseUntil: Date

    public init(teamID: String, sha256: String, uploadID: String, publicURL: String, uploadedAt: Date, reuseUntil: Date) {
        self.teamID = teamID
        self.sha256 = sha256
        self.uploadID = uploadID
        self.publicURL = publicURL
        self.uploadedAt = uploadedAt
        self.reuseUntil = reuseUntil
    }
}
