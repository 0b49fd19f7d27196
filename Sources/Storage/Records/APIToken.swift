import Foundation

/// A row of `api_tokens`: a team's token, kept as its SHA-256 only (the token is shown once, when created).
public struct APIToken: SQLRecord, Hashable {
    public static let tableName = "api_tokens"

    /// The columns queries filter and order by.
    public enum Columns {
        public static let id = "id"
        public static let teamID = "team_id"
        public static let tokenSHA256 = "token_sha256"
        public static let createdAt = "created_at"
        public static let revokedAt = "revoked_at"
    }

    public var id: String
    public var teamID: String
    public var name: String?
    public var tokenSHA256: String
    public var createdAt: Date
    public var lastUsedAt: Date?
    public var revokedAt: Date?
    /// Space-separated `TokenScope` names.
    var scopes: String

    public var scopeSet: Set<TokenScope> { Self.scopes(from: scopes) }

    package static func scopes(from text: String?) -> Set<TokenScope> {
        Set((text ?? "").split(separator: " ").compactMap { TokenScope(rawValue: String($0)) })
    }

    /// A new token of the team: the token itself (shown once) and its row.
    package static func make(teamID: String, name: String?, scopes: Set<TokenScope>, now: Date) -> (String, APIToken) {
        let token = Secrets.make(prefix: "evt_")
        let record = APIToken(
            id: Secrets.id(prefix: "tok_"), teamID: teamID, name: name, tokenSHA256: Secrets.digest(token),
            scopes: scopes, createdAt: now)
        return (token, record)
    }

    init(id: String, teamID: String, name: String?, tokenSHA256: String, scopes: Set<TokenScope>, createdAt: Date) {
        self.id = id
        self.teamID = teamID
        self.name = name
        self.tokenSHA256 = tokenSHA256
        self.scopes = scopes.map(\.rawValue).sorted().joined(separator: " ")
        self.createdAt = createdAt
    }
}
