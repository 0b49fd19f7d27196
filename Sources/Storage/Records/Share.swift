import Foundation

/// A row of `shares`: a link that opens one generation without a team token until it expires or is revoked. Its
/// token is kept as a SHA-256 only (returned once, at creation).
public struct Share: SQLRecord, Hashable {
    public static let tableName = "shares"

    /// The columns queries filter and order by.
    public enum Columns {
        public static let id = "id"
        public static let teamID = "team_id"
        public static let tokenSHA256 = "token_sha256"
    }

    public var id: String
    public var generationID: String
    public var teamID: String
    public var tokenSHA256: String
    public var createdAt: Date
    public var expiresAt: Date
    public var revokedAt: Date?

    /// A new link: the token itself (returned once) and its row.
    package static func make(generationID: String, teamID: String, expiresAt: Date, now: Date) -> (String, Share) {
        let token = Secrets.make(prefix: "")
        let share = Share(
            id: Secrets.id(prefix: "shr_"), generationID: generationID, teamID: teamID,
            tokenSHA256: Secrets.digest(token), createdAt: now, expiresAt: expiresAt)
        return (token, share)
    }
}
