import Archive
import Foundation

/// Who is asking: team tokens for the API, sessions for the gallery.
extension Vault {
    /// How long a gallery session lasts.
    public static let sessionLifetime: TimeInterval = 30 * 86400

    /// The team a live API token acts for, with its scopes; nil for an unknown or revoked token.
    public func authenticate(token: String) async throws -> TokenGrant? {
        try await database.authenticate(token: token, now: now())
    }

    /// A new gallery session for a live token; nil when the token is not one.
    public func startSession(token: String) async throws -> String? {
        try await database.offloaded { [now = now()] in
            try $0.createSession(token: token, lifetime: Self.sessionLifetime, now: now)
        }
    }

    /// The team of a live gallery session.
    public func team(session: String) async throws -> Team? {
        try await database.offloaded { [now = now()] in try $0.team(session: session, now: now) }
    }

    public func endSession(_ session: String) async throws {
        try await database.offloaded { try $0.endSession(session) }
    }

    /// Ready for traffic: warmed up, the database answering, the temp folder writable and the blob store answering.
    public func isReady() async -> Bool {
        guard warmUp.isComplete && database.isReachable() else { return false }
        return await blobs.isReady()
    }
}
