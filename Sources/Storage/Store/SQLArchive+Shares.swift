import Foundation

/// What a share token opens.
public enum ShareLookup: Sendable {
    case active(Share, GenerationDetail)
    case activeCollection(Share, CollectionSummary)
    case expired(Share)
    case revoked(Share)
    case unknown
}

extension SQLArchive {
    /// Creates a link to one of the team's generations or collections; nil when the team has no such thing.
    public func createShare(_ subject: Share.Subject, teamID: String, expiresAt: Date, now: Date) async throws
        -> (token: String, share: Share)?
    {
        try await writing { db -> (token: String, share: Share)? in
            guard try db.owns(subject, teamID: teamID) else { return nil }
            let (token, share) = Share.make(subject, teamID: teamID, expiresAt: expiresAt, now: now)
            try db.insert(share)
            if case .generation(let id) = subject {
                try db.appendEvent(id, "shared", "link \(share.id) until \(expiresAt)", at: now)
            }
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

    /// The links to a generation or collection, newest first; nil when the team has no such thing.
    public func shares(of subject: Share.Subject, teamID: String) async throws -> [Share]? {
        try await reading { db in
            guard try db.owns(subject, teamID: teamID) else { return nil }
            let condition: SQLText =
                switch subject {
                case .generation(let id): "generation_id = \(id)"
                case .collection(let id): "collection_id = \(id)"
                }
            return try db.fetchAll(
                Share.self, "SELECT * FROM shares WHERE \(condition) AND team_id = \(teamID) ORDER BY created_at DESC, id")
        }
    }

    public func lookUpShare(token: String, now: Date) async throws -> ShareLookup {
        try await reading { db in
            guard let share = try db.fetchOne(Share.self, "SELECT * FROM shares WHERE token_sha256 = \(Secrets.digest(token))")
            else { return .unknown }
            if share.revokedAt != nil { return .revoked(share) }
            if share.expiresAt <= now { return .expired(share) }
            if let collectionID = share.collectionID {
                guard let collection = try db.collectionSummaries("c.id = \(collectionID)").first else { return .unknown }
                return .activeCollection(share, collection)
            }
            guard let id = share.generationID, let generation = try db.generation(id: id) else { return .unknown }
            return .active(share, try db.detail(of: generation))
        }
    }

    /// One generation of a collection, with its files (for a collection's link); nil when it is not in it.
    public func collectionItem(collectionID: String, generationID: String) async throws -> GenerationDetail? {
        try await reading { db in
            let generation = try db.fetchOne(
                Generation.self,
                """
                SELECT g.* FROM generations g JOIN collection_items i ON i.generation_id = g.id
                WHERE i.collection_id = \(collectionID) AND g.id = \(generationID)
                """)
            return try generation.map { try db.details([$0])[0] }
        }
    }
}

extension SQLSession {
    /// Whether the team has the generation or collection.
    fileprivate func owns(_ subject: Share.Subject, teamID: String) throws -> Bool {
        let table: String
        let id: String
        switch subject {
        case .generation(let generation): (table, id) = ("generations", generation)
        case .collection(let collection): (table, id) = ("collections", collection)
        }
        return try row("SELECT 1 FROM \(raw: table) WHERE id = \(id) AND team_id = \(teamID)") != nil
    }
}
