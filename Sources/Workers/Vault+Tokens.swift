import Foundation
import Storage

/// Why a team's token could not be made.
public enum TokenRefusal: Error, Sendable, Equatable {
    /// The scopes asked for are more than the maker's own.
    case scopesBeyondYours(Set<TokenScope>)
    case tooMany(limit: Int)
}

/// A team managing its own tokens (the `admin` scope): `/v1/tokens` and the gallery's settings page.
extension Vault {
    /// The most live tokens a team may hold: each is a credential to rotate, not a log of sign-ins.
    public static let tokensPerTeam = 50

    /// The team's tokens, revoked ones too, oldest first (never their secrets: only hashes are kept).
    public func tokens(of team: Team) async throws -> [TokenInfo] {
        try await store.tokens(teamID: team.id)
    }

    /// A new token of the team, with no more scopes than `granted` (the maker's own); the token is in the answer only.
    public func createToken(for team: Team, label: String?, scopes: Set<TokenScope>, granted: Set<TokenScope>)
        async throws -> (token: String, info: TokenInfo)
    {
        guard scopes.isSubset(of: granted) else { throw TokenRefusal.scopesBeyondYours(scopes.subtracting(granted)) }
        guard try await tokens(of: team).filter({ $0.revokedAt == nil }).count < Self.tokensPerTeam else {
            throw TokenRefusal.tooMany(limit: Self.tokensPerTeam)
        }
        return try await store.createToken(teamName: team.name, label: label, scopes: scopes, now: now())
    }

    /// Revokes one of the team's tokens (its gallery sessions end with it); false when the team has none by that id.
    public func revokeToken(id: String, of team: Team) async throws -> Bool {
        guard try await tokens(of: team).contains(where: { $0.id == id }) else { return false }
        try await store.revokeToken(id: id, now: now())
        return true
    }
}
