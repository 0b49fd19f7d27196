import Foundation
import GRDB

extension AppDatabase {
    /// Runs `query`: one page of hits, best match first for text (bm25 with weighted columns), newest first
    /// without; text with no searchable word matches nothing rather than everything.
    public func search(_ query: GenerationQuery) async throws -> SearchPage {
        try await read { db in try search(db, query) }
    }

    /// A page of hits with their outputs, inputs and files, read in one snapshot through GRDB's asynchronous
    /// access (the task waits for a reader without holding a thread): what the API and the gallery answer with.
    public func searchWithDetails(_ query: GenerationQuery) async throws -> (SearchPage, [GenerationDetail]) {
        try await writer.read { db in
            let page = try search(db, query)
            return (page, try db.details(page.hits.map(\.generation)))
        }
    }

    func search(_ db: Database, _ query: GenerationQuery) throws -> SearchPage {
        if let cursor = query.cursor, cursor.fingerprint != query.fingerprint { throw SearchError.invalidCursor }
        let snapshotSeq =
            try query.cursor?.snapshotSeq
            ?? Int64.fetchOne(db, sql: "SELECT max(seq) FROM generations") ?? 0
        var conditions = ["g.seq <= ?"]
        var arguments: StatementArguments = [snapshotSeq]
        for (condition, values) in Self.filterConditions(query) {
            conditions.append(condition)
            arguments += StatementArguments(values)
        }
        let page = Page(
            limit: max(1, min(query.limit, 500)), snapshotSeq: snapshotSeq, fingerprint: query.fingerprint,
            cursor: query.cursor)
        guard let text = query.text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else {
            return try Self.browse(db, conditions, arguments, page)
        }
        guard let pattern = SearchPattern.compile(text, anyWord: query.anyWord, wholeTerms: vocabulary.lookup(db)) else {
            return SearchPage(hits: [], nextCursor: nil)
        }
        let facets = [query.teamID.map { SearchPattern.facet("t", $0) }, query.model.map { SearchPattern.facet("m", $0) }]
        return try rank(
            db, pattern, facets: facets.compactMap { $0 }, conditions, arguments, page, window: max(1, query.rankingWindow))
    }

    /// What one page asks for, and what its cursor carries forward.
    struct Page {
        var limit: Int
        var snapshotSeq: Int64
        var fingerprint: String
        var cursor: SearchCursor?

        func next(sortKey: Double = 0, seq: Int64, offset: Int, windowTop: Int64? = nil) -> SearchCursor {
            SearchCursor(
                sortKey: sortKey, seq: seq, offset: offset, snapshotSeq: snapshotSeq, fingerprint: fingerprint,
                windowTop: windowTop)
        }
    }

    /// Without text: newest first, paged by keyset (creation time, seq): exact whatever changes between pages.
    private static func browse(_ db: Database, _ conditions: [String], _ arguments: StatementArguments, _ page: Page)
        throws -> SearchPage
    {
        var conditions = conditions
        var arguments = arguments
        if let cursor = page.cursor {
            conditions.append("(g.created_at < ? OR (g.created_at = ? AND g.seq < ?))")
            arguments += [cursor.sortKey, cursor.sortKey, cursor.seq]
        }
        arguments += [page.limit + 1]  // one more than asked tells whether another page follows
        let generations = try Generation.fetchAll(
            db,
            sql: "SELECT g.* FROM generations g WHERE \(conditions.joined(separator: " AND ")) "
                + "ORDER BY g.created_at DESC, g.seq DESC LIMIT ?",
            arguments: arguments)
        let hits = generations.prefix(page.limit).map { SearchHit(generation: $0, snippet: nil) }
        let last = generations.count > page.limit ? hits.last?.generation : nil
        return SearchPage(
            hits: Array(hits),
            nextCursor: last.map {
                page.next(sortKey: $0.createdAt.unix, seq: $0.seq ?? 0, offset: 0)
            })
    }

    /// The generations of one page of `query` (callers that need no snippets or cursor).
    public func searchGenerations(_ query: GenerationQuery) async throws -> [Generation] {
        try await search(query).hits.map(\.generation)
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
