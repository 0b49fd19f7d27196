import Foundation
import Storage

/// Share links: a random token that opens one generation, or one collection, without a team token until it
/// expires.
extension Vault {
    /// How long a link lives when not asked otherwise.
    public static let defaultShareLifetime: TimeInterval = 7 * 86400

    /// A new link to one of the team's generations or collections; nil when the team has no such thing.
    public func createShare(_ subject: Share.Subject, teamID: String, lifetime: TimeInterval) async throws
        -> (token: String, share: Share)?
    {
        let now = now()
        return try await store.createShare(subject, teamID: teamID, expiresAt: now.addingTimeInterval(lifetime), now: now)
    }

    /// Revokes one of the team's links; false when there is none.
    public func revokeShare(id: String, teamID: String) async throws -> Bool {
        try await store.revokeShare(id: id, teamID: teamID, now: now())
    }

    /// The links to a generation or collection, newest first; nil when the team has no such thing.
    public func shares(of subject: Share.Subject, teamID: String) async throws -> [Share]? {
        try await store.shares(of: subject, teamID: teamID)
    }

    public func lookUpShare(token: String) async throws -> ShareLookup {
        try await store.lookUpShare(token: token, now: now())
    }

    /// One generation of a shared collection, with its files; nil when it is not in it.
    public func collectionItem(collectionID: String, generationID: String) async throws -> GenerationDetail? {
        try await store.collectionItem(collectionID: collectionID, generationID: generationID)
    }
}
