import Foundation
import GRDB

extension AppDatabase {
    /// Signs in with a team token: returns a new session value for the cookie, or nil for a bad token.
    public func createSession(token: String, lifetime: TimeInterval, now: Date) async throws -> String? {
        try await write { db in
            guard
                let tokenID = try APIToken.select(APIToken.Columns.id, as: String.self)
                    .filter(APIToken.Columns.tokenSHA256 == Secrets.digest(token) && APIToken.Columns.revokedAt == nil)
                    .fetchOne(db)
            else { return nil }
            let session = Secrets.make(prefix: "")
            try db.execute(
                sql: "INSERT INTO sessions (session_sha256, token_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                arguments: [Secrets.digest(session), tokenID, now.unix, now.addingTimeInterval(lifetime).unix])
            return session
        }
    }

    /// The team of a live session whose token is still valid (revoking the token ends its sessions too).
    public func team(session: String, now: Date) async throws -> Team? {
        try await read { db in
            try Team.fetchOne(
                db,
                sql: """
                    SELECT t.* FROM sessions s JOIN api_tokens k ON k.id = s.token_id
                    JOIN teams t ON t.id = k.team_id
                    WHERE s.session_sha256 = ? AND s.expires_at > ? AND k.revoked_at IS NULL
                    """,
                arguments: [Secrets.digest(session), now.unix])
        }
    }

    public func endSession(_ session: String) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM sessions WHERE session_sha256 = ?", arguments: [Secrets.digest(session)])
        }
    }
}
