import Foundation
import GRDB

extension AppDatabase {
    /// Runs `query`: one page of hits, best match first for text (bm25 with weighted columns), newest first
    /// without; text with no searchable word matches nothing rather than everything.
    public func search(_ query: GenerationQuery) throws -> SearchPage {
        if let cursor = query.cursor, cursor.fingerprint != query.fingerprint { throw SearchError.invalidCursor }
        return try writer.read { db in
            let limit = max(1, min(query.limit, 500))
            let snapshotSeq = try query.cursor?.snapshotSeq
                ?? Int64.fetchOne(db, sql: "SELECT max(seq) FROM generations") ?? 0
            var conditions = ["g.seq <= ?"]
            var arguments: StatementArguments = [snapshotSeq]
            for (condition, values) in Self.filterConditions(query) {
                conditions.append(condition)
                arguments += StatementArguments(values)
            }
            let sql: String
            if let text = query.text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty {
                guard let pattern = SearchPattern.make(text, anyWord: query.anyWord) else {
                    return SearchPage(hits: [], nextCursor: nil)
                }
                var pageCondition = ""
                if let cursor = query.cursor {
                    pageCondition = "WHERE score > ? OR (score = ? AND seq < ?)"
                    arguments += [cursor.sortKey, cursor.sortKey, cursor.seq]
                }
                // Column weights: prompt, negative prompt, model, title, tags, note.
                sql = """
                    SELECT * FROM (
                        SELECT g.*, bm25(generation_search, 10.0, 1.0, 4.0, 4.0, 6.0, 3.0) AS score,
                            snippet(generation_search, 0, char(57344), char(57345), '…', 16) AS snippet
                        FROM generation_search JOIN generations g ON g.seq = generation_search.rowid
                        WHERE generation_search MATCH ? AND \(conditions.joined(separator: " AND ")))
                    \(pageCondition) ORDER BY score, seq DESC LIMIT ?
                    """
                arguments = [pattern] + arguments
            } else {
                if let cursor = query.cursor {
                    conditions.append("(g.created_at < ? OR (g.created_at = ? AND g.seq < ?))")
                    arguments += [cursor.sortKey, cursor.sortKey, cursor.seq]
                }
                sql = """
                    SELECT g.*, g.created_at AS score, NULL AS snippet FROM generations g
                    WHERE \(conditions.joined(separator: " AND ")) ORDER BY g.created_at DESC, g.seq DESC LIMIT ?
                    """
            }
            arguments += [limit + 1]  // one more than asked tells whether another page follows
            let rows = try Row.fetchAll(db, sql: sql, arguments: arguments)
            let hits = try rows.prefix(limit).map { row in
                SearchHit(generation: try Generation(row: row), snippet: (row["snippet"] as String?).map(Snippet.init))
            }
            let next = rows.count > limit ? rows[limit - 1] : nil
            return SearchPage(hits: hits, nextCursor: try next.map { row in
                SearchCursor(sortKey: row["score"], seq: row["seq"], snapshotSeq: snapshotSeq,
                             fingerprint: query.fingerprint)
            })
        }
    }

    /// The generations of one page of `query` (callers that need no snippets or cursor).
    public func searchGenerations(_ query: GenerationQuery) throws -> [Generation] {
        try search(query).hits.map(\.generation)
    }

    /// One SQL condition with its bound values per filter that is set.
    static func filterConditions(_ query: GenerationQuery) -> [(String, [any DatabaseValueConvertible])] {
        var filters: [(String, [any DatabaseValueConvertible])] = []
        func add(_ condition: String, _ value: (any DatabaseValueConvertible)?) {
            if let value { filters.append((condition, [value])) }
        }
        add("g.team_id = ?", query.teamID)
        add("g.model = ?", query.model)
        add("EXISTS (SELECT 1 FROM json_each(g.tags) WHERE lower(value) = lower(?))", query.tag)
        add("g.model IN (SELECT slug FROM models WHERE category = ?)", query.category)
        add("g.created_at >= ?", query.createdAfter?.unix)
        add("g.created_at < ?", query.createdBefore?.unix)
        add("g.status = ?", query.status?.rawValue)
        add("g.cost_usd >= ?", query.minCost)
        add("g.cost_usd <= ?", query.maxCost)
        add("g.id IN (SELECT generation_id FROM generation_inputs WHERE sha256 = ?)", query.inputSHA256?.lowercased())
        // Facets of the stored video: one output must satisfy them all.
        var output: [(String, [any DatabaseValueConvertible])] = []
        if let value = query.minDuration { output.append(("a.duration_s >= ?", [value])) }
        if let value = query.maxDuration { output.append(("a.duration_s <= ?", [value])) }
        if let value = query.hasAudio { output.append(("a.has_audio = ?", [value])) }
        switch query.resolution {
        case .exact(let width, let height)?: output.append(("a.width = ? AND a.height = ?", [width, height]))
        case .shortSide(let side)?: output.append(("min(a.width, a.height) = ?", [side]))
        case nil: break
        }
        if !output.isEmpty {
            filters.append((
                "EXISTS (SELECT 1 FROM generation_outputs o JOIN assets a ON a.sha256 = o.sha256 "
                    + "WHERE o.generation_id = g.id AND " + output.map(\.0).joined(separator: " AND ") + ")",
                output.flatMap(\.1)))
        }
        return filters
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
