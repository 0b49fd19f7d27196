import Foundation

/// A team: the unit that owns generations and sees only its own.
/// What a token may do beyond its team's ordinary API.
public enum TokenScope: String, Sendable, Hashable, CaseIterable, Codable {
    /// Archive predictions made outside EachVault (`POST /v1/imports`). With one shared provider key nothing proves
    /// which team made a prediction, so an operator grants this to the tokens that may claim them.
    case `import`
    /// Manage the team's own tokens (`/v1/tokens`, the gallery's settings page): list them, make ones with no more
    /// scopes than this one's, revoke them. An operator grants it.
    case admin
}

/// A live token: the team it acts for and its scopes.
public struct TokenGrant: Sendable, Hashable {
    public var team: Team
    public var scopes: Set<TokenScope>

    package init(team: Team, scopes: Set<TokenScope>) {
        self.team = team
        self.scopes = scopes
    }
}

/// An API token's public facts (never the token).
public struct TokenInfo: Sendable, Hashable, Codable {
    public var id: String
    public var team: String
    public var name: String?
    public var scopes: Set<TokenScope> = []
    public var createdAt: Date
    public var lastUsedAt: Date?
    public var revokedAt: Date?
}

public enum TeamError: Error, CustomStringConvertible {
    case duplicateName(String)
    case unknownTeam(String)
    case unknownToken(String)

    public var description: String {
        switch self {
        case .duplicateName(let name): "a team named '\(name)' exists already"
        case .unknownTeam(let name): "no team named '\(name)'"
        case .unknownToken(let id): "no token with id '\(id)'"
        }
    }
}

extension TokenInfo {
    package init(_ token: APIToken, team: Team) {
        self.init(
            id: token.id, team: team.name, name: token.name, scopes: token.scopeSet, createdAt: token.createdAt,
            lastUsedAt: token.lastUsedAt, revokedAt: token.revokedAt)
    }
}
