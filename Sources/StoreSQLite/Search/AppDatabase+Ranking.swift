import GRDB
import Storage

extension AppDatabase {
    /// With text: best first by bm25 (`vault_rank`; column weights: prompt, negative prompt, model, title, tags,
    /// note) within a window of the newest `window` matches; when those are shown, the next older window follows. A
    /// word in half the archive so costs one window's ranking a page, never the whole corpus's; fewer matches than a
    /// window are one exact ranking. A page continues right after the last row the previous one showed, found again
    /// in the current ranking (scores drift a little as the index changes, so a remembered score would not do);
    /// rows created after the first page stay out.
    func rank(
        _ db: Database, _ pattern: CompiledPattern, facets: [String], _ conditions: [SQLText], _ page: PageRequest,
        window: Int
    ) throws -> SearchPage {
        let top = min(page.cursor?.windowTop ?? page.snapshotSeq, page.snapshotSeq)
        // Enough of the window's ranking to find the previous page's last row even if it moved a little.
        let wanted = (page.cursor?.offset ?? 0) + page.limit + 1 + (page.cursor == nil ? 0 : 200)
        let (filterText, filterValues) = conditions.joined(separator: " AND ").rendered(.sqlite)
        let filters = Filters(conditions: filterText, arguments: StatementArguments(filterValues.map(\.databaseValue)))
        let (ranked, olderTop) = try rankedWindow(
            db, pattern, selectiveFacets(db, facets, rows: page.snapshotSeq), filters, top: top, window: window,
            wanted: wanted)
        let olderWindow = olderTop.map { page.next(seq: 0, offset: 0, windowTop: $0) }
        let windowed = olderWindow != nil || page.cursor?.windowTop != nil
        var start = 0
        if let cursor = page.cursor {
            start = ranked.firstIndex { $0.seq == cursor.seq }.map { $0 + 1 } ?? min(cursor.offset, ranked.count)
        }
        let slice = ranked[start..<min(start + page.limit, ranked.count)]
        // This window shown to its end: the next page starts the next older window, if any match is older.
        guard let last = slice.last else {
            return SearchPage(hits: [], nextCursor: olderWindow, rankingWindow: windowed ? window : nil)
        }
        let generations = try db.fetchAll(
            Generation.self, "SELECT * FROM generations WHERE seq IN (\(list: slice.map(\.seq)))")
        let bySeq = Dictionary(generations.map { ($0.seq ?? 0, $0) }, uniquingKeysWith: { first, _ in first })
        let hits = slice.compactMap { entry in
            bySeq[entry.seq].map { SearchHit(generation: $0, snippet: entry.snippet.map(Snippet.init)) }
        }
        let more = ranked.count > start + page.limit
        return SearchPage(
            hits: hits,
            nextCursor: more ? page.next(seq: last.seq, offset: start + slice.count, windowTop: top) : olderWindow,
            rankingWindow: windowed ? window : nil)
    }

    /// The SQL conditions of the query's filters on `generations g`, with their values.
    private struct Filters {
        var conditions: String
        var arguments: StatementArguments
    }

    private typealias Ranked = (seq: Int64, snippet: String?)

    /// The best `wanted` rows of the window at `top`, best first, and the top of the next older window if any.
    ///
    /// Few matches in all (a window's worth or fewer, every team's): one walk of the index lists them newest first
    /// with their scores and snippets, and the filters are checked on those rows. Many: the window is the newest
    /// `window` rows that pass the filters (selective facets intersected inside the index, only what passes it
    /// looked up in the generations table; FTS5 stops at the window's edge), then ranked by a second walk limited
    /// to them. The ranking's pattern never holds the facets: bm25 would weigh the team's token like a word.
    private func rankedWindow(
        _ db: Database, _ pattern: CompiledPattern, _ facets: [String], _ filters: Filters, top: Int64, window: Int,
        wanted: Int
    ) throws -> ([Ranked], olderTop: Int64?) {
        let text = SearchPattern.restricted(pattern.expression, facets: [])
        let scoring: StatementArguments = [
            Self.columnWeights, pattern.phrases.map { $0.documents.map(String.init) ?? "-1" }.joined(separator: ","),
        ]
        // Scoring and cutting snippets for a window's worth of rows, only to learn they are not all, costs about what
        // a second walk over few matches saves: done where the vocabulary's counts promise few matches, or cannot
        // tell (a quoted phrase, a prefix of many terms).
        let fewMatchesPossible = pattern.matchesAtMost.map { $0 <= window } ?? true
        let everyMatch =
            fewMatchesPossible
            ? try Row.fetchAll(
                db,
                sql: """
                    SELECT rowid AS seq, \(RankFunction.name)(generation_search, ?, ?) AS score, \(Self.snippet) AS snippet
                    FROM generation_search WHERE generation_search MATCH ? AND rowid <= ? ORDER BY rowid DESC LIMIT ?
                    """,
                arguments: scoring + [text, top, window + 1]) : []
        if fewMatchesPossible && everyMatch.count <= window {
            let passing = try Set(
                Int64.fetchAll(
                    db,
                    sql: "SELECT g.seq FROM generations g WHERE g.seq IN (SELECT value FROM json_each(?)) AND \(filters.conditions)",
                    arguments: [Self.jsonArray(everyMatch.map { $0["seq"] as Int64 })] + filters.arguments))
            let ranked =
                everyMatch
                .map { (seq: $0["seq"] as Int64, score: $0["score"] as Double, snippet: $0["snippet"] as String?) }
                .filter { passing.contains($0.seq) }
                .sorted { $0.score != $1.score ? $0.score < $1.score : $0.seq > $1.seq }
            return (ranked.prefix(wanted).map { (seq: $0.seq, snippet: $0.snippet) }, nil)
        }
        let newest = try Int64.fetchAll(
            db,
            sql: """
                SELECT generation_search.rowid FROM generation_search JOIN generations g ON g.seq = generation_search.rowid
                WHERE generation_search MATCH ? AND generation_search.rowid <= ? AND \(filters.conditions)
                ORDER BY generation_search.rowid DESC LIMIT ?
                """,
            arguments: [SearchPattern.restricted(pattern.expression, facets: facets), top] + filters.arguments
                + [window + 1])
        let members = newest.prefix(window)
        guard let newestMember = members.first, let oldestMember = members.last else { return ([], nil) }
        let ranked = try Row.fetchAll(
            db,
            sql: """
                SELECT rowid AS seq, \(Self.snippet) AS snippet FROM generation_search
                WHERE generation_search MATCH ? AND rowid BETWEEN ? AND ? AND +rowid IN (SELECT value FROM json_each(?))
                ORDER BY \(RankFunction.name)(generation_search, ?, ?), rowid DESC LIMIT ?
                """,
            arguments: [text, oldestMember, newestMember, Self.jsonArray(members)] + scoring + [wanted]
        ).map { (seq: $0["seq"] as Int64, snippet: $0["snippet"] as String?) }
        return (ranked, newest.count > window ? oldestMember - 1 : nil)
    }

    /// The facets worth intersecting inside the index: those on fewer than a quarter of the rows (a team's token in
    /// half of the archive costs more to walk beside a rare phrase than looking its matches up saves).
    private func selectiveFacets(_ db: Database, _ facets: [String], rows: Int64) -> [String] {
        facets.filter { facet in
            guard let holding = vocabulary.rows(holding: facet, db) else { return false }
            return Double(holding) < Double(max(rows, 1)) / 4
        }
    }

    /// The ranking's column weights: prompt, negative prompt, model, title, tags, note, facets (none).
    static let columnWeights = "10,1,4,4,6,3,0"
    /// The prompt around the matched words, the matches between private-use markers (see `Snippet`).
    static let snippet = "snippet(generation_search, 0, char(57344), char(57345), '…', 16)"

    private static func jsonArray(_ values: some Collection<Int64>) -> String {
        "[" + values.map(String.init).joined(separator: ",") + "]"
    }
}
