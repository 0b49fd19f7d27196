import Foundation

/// Named collections: generations a team gathers under a name. Their items are listed through the search
/// (`GenerationQuery.collectionID`), and a collection is shared as one link (`createShare(.collection(id))`).
extension SQLArchive {
    /// A new, empty collection; nil when the team already has one of this name.
    public func createCollection(name: String, description: String?, teamID: String, now: Date) async throws
        -> NamedCollection?
    {
        try await writing { db in
            let collection = NamedCollection.make(name: name, description: description, teamID: teamID, now: now)
            let inserted = try db.insert(collection, "ON CONFLICT (team_id, name) DO NOTHING RETURNING id")
            return inserted == nil ? nil : collection
        }
    }

    /// The team's collections by name, each with its item count.
    public func collections(teamID: String) async throws -> [CollectionSummary] {
        try await reading { db in try db.collectionSummaries("c.team_id = \(teamID)") }
    }

    public func collection(id: String, teamID: String) async throws -> CollectionSummary? {
        try await reading { db in try db.collectionSummaries("c.id = \(id) AND c.team_id = \(teamID)").first }
    }

    /// Renames, describes (`.some(nil)` clears), adds and removes generations in one change: all of it, or nothing
    /// when a name is taken, an id is not the team's generation, or the collection would grow past its limit.
    public func changeCollection(
        id: String, teamID: String, name: String?, description: String??, adding: [String], removing: [String], now: Date
    ) async throws -> CollectionChange {
        try await writing { db in
            guard var collection = try db.fetchOne(NamedCollection.self, "SELECT * FROM collections WHERE id = \(id) AND team_id = \(teamID)")
            else { return .notFound }
            if let name, name != collection.name,
                try db.row("SELECT 1 FROM collections WHERE team_id = \(teamID) AND name = \(name)") != nil
            {
                return .nameTaken
            }
            let adding = Array(Set(adding))
            if !adding.isEmpty {
                let known = try Set(
                    db.values(String.self, "SELECT id FROM generations WHERE team_id = \(teamID) AND id IN (\(list: adding))"))
                let unknown = adding.filter { !known.contains($0) }.sorted()
                if !unknown.isEmpty { return .unknownGenerations(unknown) }
                let count =
                    try db.value(
                        Int.self,
                        """
                        SELECT count(*) FROM collection_items
                        WHERE collection_id = \(id) AND generation_id NOT IN (\(list: adding))
                        """) ?? 0
                if count + adding.count > NamedCollection.maxItems { return .full }
            }
            if !removing.isEmpty {
                try db.execute(
                    "DELETE FROM collection_items WHERE collection_id = \(id) AND generation_id IN (\(list: Array(Set(removing))))")
            }
            for generationID in adding.sorted() {
                try db.execute(
                    """
                    INSERT INTO collection_items (collection_id, generation_id, added_at) VALUES (\(id), \(generationID), \(now))
                    ON CONFLICT (collection_id, generation_id) DO NOTHING
                    """)
            }
            if let name { collection.name = name }
            if let description { collection.description = description }
            collection.updatedAt = now
            try db.update(collection, key: ["id"])
            return try db.collectionSummaries("c.id = \(id)").first.map(CollectionChange.changed) ?? .notFound
        }
    }

    /// Deletes the collection, its items and its links (never the generations); false when there is none.
    public func deleteCollection(id: String, teamID: String) async throws -> Bool {
        try await writing { db in
            try db.execute("DELETE FROM collections WHERE id = \(id) AND team_id = \(teamID)")
            return db.changedRows == 1
        }
    }
}

extension SQLSession {
    /// The collections matching `condition` (on `c`), by name, with their item counts.
    package func collectionSummaries(_ condition: SQLText) throws -> [CollectionSummary] {
        try rows(
            """
            SELECT c.*, (SELECT count(*) FROM collection_items i WHERE i.collection_id = c.id) AS item_count
            FROM collections c WHERE \(condition) ORDER BY c.name, c.id
            """
        ).map { row in CollectionSummary(collection: try NamedCollection(row: row), itemCount: try row["item_count"]) }
    }
}
