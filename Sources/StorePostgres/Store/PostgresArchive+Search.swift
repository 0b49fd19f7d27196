import Foundation
import Storage

/// Search on PostgreSQL's `tsvector` (see `tsvectorSearch`): the same queries, filters and cursors as on SQLite.
extension PostgresArchive {
    public func search(_ query: GenerationQuery) async throws -> SearchPage {
        try await reading { db in try db.tsvectorSearch(query) }
    }

    /// A page of hits with their outputs, inputs and files, read in one snapshot.
    public func searchWithDetails(_ query: GenerationQuery) async throws -> (SearchPage, [GenerationDetail]) {
        try await reading { db in
            let page = try db.tsvectorSearch(query)
            return (page, try db.details(page.hits.map(\.generation)))
        }
    }

    public func searchGenerations(_ query: GenerationQuery) async throws -> [Generation] {
        try await search(query).hits.map(\.generation)
    }
}
