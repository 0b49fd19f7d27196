import Archive
import Foundation

extension PostgresArchive: ShareStore {
    /// Creates a link to one of the team's generations; nil when the team has no such generation.
    public func createShare(generationID: String, teamID: String, expiresAt: Date, now: Date) async throws
        -> (token: String, share: Share)?
    {
        try await transaction { sql -> (token: String, share: Share)? in
            guard
                try await sql.value(
                    Int64.self, "SELECT count(*) FROM generations WHERE id = ? AND team_id = ?", [generationID, teamID])
                    == 1
            else { return nil }
            let (token, share) = Share.make(generationID: generationID, teamID: teamID, expiresAt: expiresAt, now: now)
            try await sql.insert(share)
            try await sql.appendEvent(generationID, "shared", "link \(share.id) until \(expiresAt)", at: now)
            return (token, share)
        }
    }

    public func revokeShare(id: String, teamID: String, now: Date) async throws -> Bool {
        try await sql.value(
            String.self,
            "UPDATE shares SET revoked_at = coalesce(revoked_at, ?) WHERE id = ? AND team_id = ? RETURNING id",
            [now.unix, id, teamID]) != nil
    }

    public func lookUpShare(token: String, now: Date) async throws -> ShareLookup {
        guard
            let share = try await sql.fetchOne(
                Share.self, "SELECT * FROM shares WHERE token_sha256 = ?", [Secrets.digest(token)])
        else { return .unknown }
        if share.revokedAt != nil { return .revoked(share) }
        if share.expiresAt <= now { return .expired(share) }
        guard let detail = try await generationDetail(id: share.generationID, teamID: nil) else { return .unknown }
        return .active(share, detail)
    }
}
