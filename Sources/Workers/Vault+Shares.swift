import Foundation
import Storage

/// Share links: a random token that opens one generation without a team token until it expires.
extension Vault {
    /// How long a link lives when not asked otherwise.
    public static let defaultShareLifetime: TimeInterval = 7 * 86400

    /// A new link to one of the team's generations; nil when the team has no such generation.
    public func createShare(generationID: String, teamID: String, lifetime: TimeInterval) async throws
        -> (token: String, share: Share)?
    {
        let now = now()
        return try await store.createShare(
            generationID: generationID, teamID: teamID, expiresAt: now.addingTimeInterval(lifetime), now: now)
    }

    /// Revokes one of the team's links; false when there is none.
    public func revokeShare(id: String, teamID: String) async throws -> Bool {
        try await store.revokeShare(id: id, teamID: teamID, now: now())
    }

    /// The generation's links, newest first; nil when the team has no such generation.
    public func shares(generationID: String, teamID: String) async throws -> [Share]? {
        try await store.shares(generationID: generationID, teamID: teamID)
    }

    public func lookUpShare(token: String) async throws -> ShareLookup {
        try await store.lookUpShare(token: token, now: now())
    }
}
