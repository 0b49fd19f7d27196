import Foundation
import GRDB

/// What a share token opens.
public enum ShareLookup: Sendable {
    case active(Share, GenerationDetail)
    case expired(Share)
    case revoked(Share)
    case unknown
}

extension Generation {
    /// The team's (`?`) newest generation holding the bytes (`?`, `?`) as output or input.
    package static let latestHoldingSQL = """
        SELECT g.* FROM generations g WHERE g.team_id = ? AND (
            g.id IN (SELECT generation_id FROM generation_outputs WHERE sha256 = ?)
            OR g.id IN (SELECT generation_id FROM generation_inputs WHERE sha256 = ?))
        ORDER BY g.seq DESC LIMIT 1
        """
}

extension AppDatabase {
    /// Creates a link to one of the team's generations; nil when the team has no such generation.
    public func createShare(generationID: String, teamID: String, expiresAt: Date, now: Date) async throws
        -> (token: String, share: Share)?
    {
        try await write { db in
            guard try Generation.filter(sql: "id = ? AND team_id = ?", arguments: [generationID, teamID]).fetchCount(db) == 1
            else { return nil }
            let (token, share) = Share.make(generationID: generationID, teamID: teamID, expiresAt: expiresAt, now: now)
            try share.insert(db)
            try Self.appendEvent(db, generationID, "shared", "link \(share.id) until \(expiresAt)", at: now)
            return (token, share)
        }
    }

    public func revokeShare(id: String, teamID: String, now: Date) async throws -> Bool {
        try await write { db in
            guard var share = try Share.filter(Share.Columns.id == id && Share.Columns.teamID == teamID).fetchOne(db)
            else { return false }
            share.revokedAt = share.revokedAt ?? now
            try share.update(db)
            return true
        }
    }

    public func lookUpShare(token: String, now: Date) async throws -> ShareLookup {
        try await read { db in
            guard let share = try Share.filter(Share.Columns.tokenSHA256 == Secrets.digest(token)).fetchOne(db)
            else { return .unknown }
            if share.revokedAt != nil { return .revoked(share) }
            if share.expiresAt <= now { return .expired(share) }
            guard let generation = try Generation.find(db, id: share.generationID) else { return .unknown }
            return .active(share, try Self.detail(db, generation))
        }
    }

    /// The team's newest generation holding these bytes as output or input (ownership, and a download's file name).
    public func latestGeneration(holding sha256: String, teamID: String) async throws -> Generation? {
        try await read { db in
            try Generation.fetchOne(
                db,
                sql: Generation.latestHoldingSQL,
                arguments: [teamID, sha256, sha256])
        }
    }
}
