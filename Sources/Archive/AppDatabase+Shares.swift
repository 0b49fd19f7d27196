import Foundation
import GRDB

/// A share link's public facts (the token itself is returned once, at creation).
public struct Share: Sendable, Hashable, Codable {
    public var id: String
    public var generationID: String
    public var createdAt: Date
    public var expiresAt: Date
    public var revokedAt: Date?
}

/// What a share token opens.
public enum ShareLookup: Sendable {
    case active(Share, GenerationDetail)
    case expired(Share)
    case revoked(Share)
    case unknown
}

extension AppDatabase {
    /// Creates a link to one of the team's generations; nil when the team has no such generation.
    public func createShare(generationID: String, teamID: String, expiresAt: Date, now: Date) throws
        -> (token: String, share: Share)?
    {
        try writer.write { db in
            guard try Generation.filter(sql: "id = ? AND team_id = ?", arguments: [generationID, teamID]).fetchCount(db) == 1
            else { return nil }
            let token = Secrets.make(prefix: "")
            let share = Share(
                id: Secrets.id(prefix: "shr_"), generationID: generationID, createdAt: now,
                expiresAt: expiresAt)
            try db.execute(
                sql: """
                    INSERT INTO shares (id, generation_id, team_id, token_sha256, created_at, expires_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [share.id, generationID, teamID, Secrets.digest(token), now.unix, expiresAt.unix])
            try Self.appendEvent(db, generationID, "shared", "link \(share.id) until \(expiresAt)", at: now)
            return (token, share)
        }
    }

    public func revokeShare(id: String, teamID: String, now: Date) throws -> Bool {
        try writer.write { db in
            try db.execute(
                sql: "UPDATE shares SET revoked_at = coalesce(revoked_at, ?) WHERE id = ? AND team_id = ?",
                arguments: [now.unix, id, teamID])
            return db.changesCount == 1
        }
    }

    public func lookUpShare(token: String, now: Date) throws -> ShareLookup {
        try writer.read { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT * FROM shares WHERE token_sha256 = ?",
                    arguments: [Secrets.digest(token)])
            else { return .unknown }
            let share = Share(
                id: row["id"], generationID: row["generation_id"],
                createdAt: Date(timeIntervalSince1970: row["created_at"]),
                expiresAt: Date(timeIntervalSince1970: row["expires_at"]),
                revokedAt: (row["revoked_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
            if share.revokedAt != nil { return .revoked(share) }
            if share.expiresAt <= now { return .expired(share) }
            guard let generation = try Generation.fetchOne(db, key: ["id": share.generationID]) else { return .unknown }
            return .active(share, try Self.detail(db, generation))
        }
    }

    /// The team's newest generation holding these bytes as output or input (ownership, and a download's file name).
    public func latestGeneration(holding sha256: String, teamID: String) throws -> Generation? {
        try writer.read { db in
            try Generation.fetchOne(
                db,
                sql: """
                    SELECT g.* FROM generations g WHERE g.team_id = ? AND (
                        g.id IN (SELECT generation_id FROM generation_outputs WHERE sha256 = ?)
                        OR g.id IN (SELECT generation_id FROM generation_inputs WHERE sha256 = ?))
                    ORDER BY g.seq DESC LIMIT 1
                    """,
                arguments: [teamID, sha256, sha256])
        }
    }
}
