import Foundation
import GRDB

/// A search over the archive: full text (best match first) and filters (newest first without text).
public struct GenerationQuery: Sendable, Hashable {
    /// Only this team's generations (nil: every team's, for operators' tools).
    public var teamID: String?
    public var text: String?
    public var model: String?
    public var status: GenerationStatus?
    /// The model's category (text-to-video, image-to-video, ...), from the catalogue.
    public var category: String?
    public var createdAfter: Date?
    public var createdBefore: Date?
    /// Only generations carrying this tag (case-insensitive).
    public var tag: String?
    /// Match generations containing any word of `text` (similarity) rather than all of them (search).
    public var anyWord: Bool
    public var limit: Int

    public init(teamID: String? = nil, text: String? = nil, model: String? = nil, status: GenerationStatus? = nil,
                anyWord: Bool = false, limit: Int = 50) {
        self.teamID = teamID
        self.anyWord = anyWord
        self.tag = nil
        self.text = text
        self.model = model
        self.status = status
        self.limit = limit
    }
}

extension AppDatabase {
    /// Runs `query`. Free text becomes a safe FTS5 pattern (every word a prefix, all required); text with no
    /// searchable word matches nothing rather than everything.
    public func searchGenerations(_ query: GenerationQuery) throws -> [Generation] {
        try writer.read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            var from = "generations g"
            var order = "g.created_at DESC, g.seq DESC"
            if let text = query.text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty {
                guard let pattern = query.anyWord ? FTS5Pattern(matchingAnyTokenIn: text)
                    : FTS5Pattern(matchingAllPrefixesIn: text)
                else { return [] }
                from = "generation_search s JOIN generations g ON g.seq = s.rowid"
                conditions.append("generation_search MATCH ?")
                arguments += [pattern]
                // Column weights: prompt, negative prompt, model, title, tags, note.
                order = "bm25(generation_search, 10.0, 1.0, 4.0, 4.0, 6.0, 3.0), g.created_at DESC"
            }
            // Each filter that is set adds one condition with one bound value.
            let filters: [(String, (any DatabaseValueConvertible)?)] = [
                ("g.team_id = ?", query.teamID),
                ("g.model = ?", query.model),
                ("EXISTS (SELECT 1 FROM json_each(g.tags) WHERE lower(value) = lower(?))", query.tag),
                ("g.model IN (SELECT slug FROM models WHERE category = ?)", query.category),
                ("g.created_at >= ?", query.createdAfter?.unix),
                ("g.created_at < ?", query.createdBefore?.unix),
                ("g.status = ?", query.status?.rawValue),
            ]
            for case let (condition, value?) in filters {
                conditions.append(condition)
                arguments += [value]
            }
            let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            arguments += [max(1, min(query.limit, 500))]
            return try Generation.fetchAll(
                db, sql: "SELECT g.* FROM \(from) \(whereClause) ORDER BY \(order) LIMIT ?", arguments: arguments)
        }
    }
}

extension AppDatabase {
    /// Replaces tags and/or the note of one of the team's generations; the search index follows (triggers).
    /// Returns the updated generation, or nil when the team has no such generation.
    public func annotateGeneration(id: String, teamID: String, tags: [String]?, note: String??, now: Date) throws
        -> Generation?
    {
        try writer.write { db in
            guard var generation = try Generation.fetchOne(db, key: ["id": id]), generation.teamID == teamID else {
                return nil
            }
            if let tags { generation.tags = tags }
            if let note { generation.note = note }
            generation.updatedAt = now
            try generation.update(db)
            try Self.appendEvent(db, id, "annotated", [tags.map { "tags: \($0.joined(separator: ", "))" },
                                                       note.map { _ in "note changed" }].compactMap { $0 }.joined(separator: "; "),
                                 at: now)
            return generation
        }
    }
}
