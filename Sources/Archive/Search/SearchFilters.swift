import Foundation
import GRDB

/// Where the two databases spell a search differently.
public enum SQLDialect: Sendable {
    case sqlite, postgres

    /// A generation (`g`) whose JSON tag list holds the tag (`?`), in any case.
    var hasTag: String {
        switch self {
        case .sqlite: "EXISTS (SELECT 1 FROM json_each(g.tags) WHERE lower(value) = lower(?))"
        case .postgres: "EXISTS (SELECT 1 FROM json_array_elements_text(g.tags::json) t WHERE lower(t) = lower(?))"
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
    /// One SQL condition with its bound values per filter that is set.
    package func filterConditions(_ dialect: SQLDialect) -> [(String, [any DatabaseValueConvertible])] {
        let query = self
        var filters: [(String, [any DatabaseValueConvertible])] = []
        func add(_ condition: String, _ value: (any DatabaseValueConvertible)?) {
            if let value { filters.append((condition, [value])) }
        }
        add("g.team_id = ?", query.teamID)
        add("g.model = ?", query.model)
        add(dialect.hasTag, query.tag)
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
        case .shortSide(let side)?: output.append(("\(dialect.least)(a.width, a.height) = ?", [side]))
        case nil: break
        }
        if !output.isEmpty {
            filters.append(
                (
                    "EXISTS (SELECT 1 FROM generation_outputs o JOIN assets a ON a.sha256 = o.sha256 "
                        + "WHERE o.generation_id = g.id AND " + output.map(\.0).joined(separator: " AND ") + ")",
                    output.flatMap(\.1)
                ))
        }
        return filters
    }
}

extension SQLSession {
    /// Without text: newest first, paged by keyset (creation time, seq): exact whatever changes between pages.
    package func browse(
        _ conditions: [String], _ arguments: [(any DatabaseValueConvertible)?], _ page: AppDatabase.Page
    ) throws -> SearchPage {
        var conditions = conditions
        var arguments = arguments
        if let cursor = page.cursor {
            conditions.append("(g.created_at < ? OR (g.created_at = ? AND g.seq < ?))")
            arguments += [cursor.sortKey, cursor.sortKey, cursor.seq]
        }
        arguments += [page.limit + 1]  // one more than asked tells whether another page follows
        let generations = try fetchAll(
            Generation.self,
            "SELECT g.* FROM generations g WHERE \(conditions.joined(separator: " AND ")) "
                + "ORDER BY g.created_at DESC, g.seq DESC LIMIT ?", arguments)
        let hits = generations.prefix(page.limit).map { SearchHit(generation: $0, snippet: nil) }
        let last = generations.count > page.limit ? hits.last?.generation : nil
        return SearchPage(
            hits: Array(hits),
            nextCursor: last.map {
                page.next(sortKey: $0.createdAt.unix, seq: $0.seq ?? 0, offset: 0)
            })
    }

}
