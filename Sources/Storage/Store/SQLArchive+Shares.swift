import Foundation

/// What a share token opens.
public enum ShareLookup: Sendable {
    case active(Share, GenerationDetail)
    case expired(Share)
    case revoked(Share)
    case unknown
}

extension SQLArchive {
    /// Creates a link to one of the team's generations; nil when the team has no such generation.
    public func createShare(generationID: String, teamID: String, expiresAt: Date, now: Date) async throws
        -> (token: String, share: Share)?
    {
        try await writing { db -> (token: String, share: Share)? in
            guard
                try db.value(Int.self, "SELECT count(*) FROM generations WHERE id = \(generationID) AND team_id = \(teamID)")
                    == 1
            else { return nil }
            let (token, share) = Share.make(generationID: generationID, teamID: teamID, expiresAt: expiresAt, now: now)
            try db.insert(share)
            try db.appendEvent(generationID, "shared", "link \(share.id) until \(expiresAt)", at: now)
            return (token, share)
        }
    }

    public func revokeShare(id: String, teamID: String, now: Date) async throws -> Bool {
        try await writing { db in
            try db.execute(
                "UPDATE shares SET revoked_at = coalesce(revoked_at, \(now.unix)) WHERE id = \(id) AND team_id = \(teamID)")
            return db.changedRows == 1
        }
    }

    public func shares(generationID: String, teamID: String) async throws -> [Share]? {
        try await reading { db in
            guard try db.value(Int.self, "SELECT count(*) FROM generations WHERE id = \(generationID) AND team_id = \(teamID)") == 1
            else { return nil }
            return try db.fetchAll(
                Share.self,
                "SELECT * FROM shares WHERE generation_id = \(generationID) AND team_id = \(teamID) ORDER BY created_at DESC, id")
        }
    }

    public func lookUpShare(token: String, now: Date) async throws -> ShareLookup {
        try await reading { db in
            guard let share = try db.fetchOne(Share.self, "SELECT * FROM shares WHERE token_sha256 = \(Secrets.digest(token))")
            else { return .unknown }
            if share.revokedAt != nil { return .revoked(share) }
            if share.expiresAt <= now { return .expired(share) }
            guard let generation = try db.generation(id: share.generationID) else { return .unknown }
            return .active(share, try db.detail(of: generation))
        }
    }
}
