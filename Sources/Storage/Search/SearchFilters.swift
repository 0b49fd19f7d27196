import Foundation

/// Where the two databases spell a search differently.
extension SQLDialect {
    /// A generation (`g`) whose JSON tag list holds `tag`, in any case.
    func hasTag(_ tag: String) -> SQLText {
        switch self {
        case .sqlite: "EXISTS (SELECT 1 FROM json_each(g.tags) WHERE lower(value) = lower(\(tag)))"
        case .postgres: "EXISTS (SELECT 1 FROM json_array_elements_text(g.tags::json) t WHERE lower(t) = lower(\(tag)))"
        }
    }

    /// The smaller of two values.
    var least: String { self == .sqlite ? "min" : "least" }

    /// The UTC day (`2026-11-25`) of a time in Unix seconds.
    func utcDay(_ seconds: String) -> String {
        switch self {
        case .sqlite: "date(\(seconds), 'unixepoch')"
        case .postgres: "to_char(to_timestamp(\(seconds)) AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
        }
    }

    /// Joins each tag of a generation `g` as `t.value` (NULL for none).
    var eachTag: String {
        switch self {
        case .sqlite: "LEFT JOIN json_each(g.tags) t"
        case .postgres: "LEFT JOIN LATERAL json_array_elements_text(g.tags::json) AS t(value) ON true"
        }
    }
}

extension GenerationQuery {
    /// One SQL condition per filter that is set.
    package func filterConditions(_ dialect: SQLDialect) -> [SQLText] {
        var filters: [SQLText] = []
        if let teamID { filters.append("g.team_id = \(teamID)") }
        if let model { filters.append("g.model = \(model)") }
        if let tag { filters.append(dialect.hasTag(tag)) }
        if let category { filters.append("g.model IN (SELECT slug FROM models WHERE category = \(category))") }
        if let createdAfter { filters.append("g.created_at >= \(createdAfter)") }
        if let createdBefore { filters.append("g.created_at < \(createdBefore)") }
        if let status { filters.append("g.status = \(status)") }
        if let favourite { filters.append("g.favourite = \(favourite ? 1 : 0)") }
        if let ids { filters.append(ids.isEmpty ? "1 = 0" : "g.id IN (\(list: ids))") }
        if let collectionID {
            filters.append("g.id IN (SELECT generation_id FROM collection_items WHERE collection_id = \(collectionID))")
        }
        if let minCost { filters.append("g.cost_usd >= \(minCost)") }
        if let maxCost { filters.append("g.cost_usd <= \(maxCost)") }
        if let inputSHA256 {
            filters.append(
                "g.id IN (SELECT generation_id FROM generation_inputs WHERE sha256 = \(inputSHA256.lowercased()))")
        }
        // Facets of the stored video: one output must satisfy them all.
        var output: [SQLText] = []
        if let minDuration { output.append("a.duration_s >= \(minDuration)") }
        if let maxDuration { output.append("a.duration_s <= \(maxDuration)") }
        if let hasAudio { output.append("a.has_audio = \(hasAudio)") }
        switch resolution {
        case .exact(let width, let height)?: output.append("a.width = \(width) AND a.height = \(height)")
        case .shortSide(let side)?: output.append("\(raw: dialect.least)(a.width, a.height) = \(side)")
        case nil: break
        }
        if !output.isEmpty {
            filters.append(
                """
                EXISTS (SELECT 1 FROM generation_outputs o JOIN assets a ON a.sha256 = o.sha256
                WHERE o.generation_id = g.id AND \(output.joined(separator: " AND ")))
                """)
        }
        return filters
    }
}

extension SQLSession {
    /// Without text: newest first, paged by keyset (creation time, seq): exact whatever changes between pages.
    package func browse(_ conditions: [SQLText], _ page: PageRequest) throws -> SearchPage {
        var conditions = conditions
        if let cursor = page.cursor {
            conditions.append(
                "(g.created_at < \(cursor.sortKey) OR (g.created_at = \(cursor.sortKey) AND g.seq < \(cursor.seq)))")
        }
        // One more than asked tells whether another page follows.
        let generations = try fetchAll(
            Generation.self,
            """
            SELECT g.* FROM generations g WHERE \(conditions.joined(separator: " AND "))
            ORDER BY g.created_at DESC, g.seq DESC LIMIT \(page.limit + 1)
            """)
        let hits = generations.prefix(page.limit).map { SearchHit(generation: $0, snippet: nil) }
        let last = generations.count > page.limit ? hits.last?.generation : nil
        return SearchPage(
            hits: Array(hits),
            nextCursor: last.map {
                page.next(sortKey: $0.createdAt.unix, seq: $0.seq ?? 0, offset: 0)
            })
    }

}
