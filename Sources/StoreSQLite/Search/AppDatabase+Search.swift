import Foundation
import GRDB
import Storage

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
        let conditions: [SQLText] = ["g.seq <= \(snapshotSeq)"] + query.filterConditions(.sqlite)
        let page = PageRequest(
            limit: max(1, min(query.limit, 500)), snapshotSeq: snapshotSeq, fingerprint: query.fingerprint,
            cursor: query.cursor)
        guard let text = query.text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else {
            return try db.browse(conditions, page)
        }
        guard let pattern = SearchPattern.compile(text, anyWord: query.anyWord, wholeTerms: vocabulary.lookup(db)) else {
            return SearchPage(hits: [], nextCursor: nil)
        }
        let facets = [query.teamID.map { SearchPattern.facet("t", $0) }, query.model.map { SearchPattern.facet("m", $0) }]
        return try rank(
            db, pattern, facets: facets.compactMap { $0 }, conditions, page, window: max(1, query.rankingWindow))
    }

    /// The generations of one page of `query` (callers that need no snippets or cursor).
    public func searchGenerations(_ query: GenerationQuery) async throws -> [Generation] {
        try await search(query).hits.map(\.generation)
    }

}
