import Foundation

/// A row of `shares`: a link that opens one generation, or one collection, without a team token until it expires
/// or is revoked. Its token is kept as a SHA-256 only (returned once, at creation).
public struct Share: SQLRecord, Hashable {
    public static let tableName = "shares"

    /// The columns queries filter and order by.
    public enum Columns {
        public static let id = "id"
        public static let teamID = "team_id"
        public static let tokenSHA256 = "token_sha256"
    }

    public var id: String
    /// The generation the link opens (nil for a collection's link).
    public var generationID: String?
    public var teamID: String
    public var tokenSHA256: String
    public var createdAt: Date
    public var expiresAt: Date
    public var revokedAt: Date?
    /// The collection the link opens (nil for a generation's link).
    public var collectionID: String?

    /// What a link opens.
    public enum Subject: Sendable, Hashable {
        case generation(String)
        case collection(String)
    }

    /// A new link: the token itself (returned once) and its row.
    package static func make(_ subject: Subject, teamID: String, expiresAt: Date, now: Date) -> (String, Share) {
        let token = Secrets.make(prefix: "")
        var share = Share(
            id: Secrets.id(prefix: "shr_"), teamID: teamID, tokenSHA256: Secrets.digest(token), createdAt: now,
            expiresAt: expiresAt)
        switch subject {
        case .generation(let id): share.generationID = id
        case .collection(let id): share.collectionID = id
        }
        return (token, share)
    }

    /// Whether the link still opens what it shares at `now`: "active", "revoked" or "expired".
    public func state(at now: Date) -> String {
        revokedAt != nil ? "revoked" : expiresAt <= now ? "expired" : "active"
    }
}
