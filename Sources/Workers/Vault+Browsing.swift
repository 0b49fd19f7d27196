import Foundation
import Storage
import VaultContract
import VaultDomain

/// A page of search results with each hit's detail, in ranking order.
public struct SearchResults: Sendable {
    public var page: SearchPage
    public var details: [GenerationDetail]
}

/// Reading and curating a team's archive: search, detail, notes and tags, deletion, files, models, spend.
extension Vault {
    /// One page of `query` (throws `SearchError` for a cursor of another search).
    public func search(_ query: GenerationQuery) async throws -> SearchResults {
        let (page, details) = try await store.searchWithDetails(query)
        return SearchResults(page: page, details: details)
    }

    /// One of the team's generations with its outputs, inputs and history; nil for another team's or none.
    public func generationDetail(id: String, teamID: String) async throws -> GenerationDetail? {
        try await store.generationDetail(id: id, teamID: teamID)
    }

    /// Replaces tags and/or the note; nil when the team has no such generation. Throws `Annotations.Refusal` for
    /// tags or a note the rule refuses, writing nothing.
    public func annotateGeneration(
        id: String, teamID: String, tags: [String]?, note: String??, favourite: Bool? = nil
    ) async throws -> Generation? {
        let tags = try tags.map { raw throws(Annotations.Refusal) in try Annotations.tags(raw) }
        let note = try note.map { raw throws(Annotations.Refusal) in try raw.map(Annotations.note) }
        return try await store.annotateGeneration(
            id: id, teamID: teamID, tags: tags, note: note, favourite: favourite, now: now())
    }

    /// Adds and removes tags of one of the team's generations, keeping its other tags; nil when there is none.
    /// Throws `Annotations.Refusal` when a tag, or the tags the generation would have, break the rule.
    public func editTags(id: String, teamID: String, adding: [String], removing: [String]) async throws -> Generation? {
        try await store.editTags(id: id, teamID: teamID, adding: adding, removing: removing, now: now())
    }

    /// Deletes one of the team's generations (its prediction keeps a tombstone); false when there is none.
    public func deleteGeneration(id: String, teamID: String) async throws -> Bool {
        try await store.deleteGeneration(id: id, teamID: teamID, now: now())
    }

    /// A file the team holds, with the newest of its generations holding it (nil for a file only uploaded).
    public func file(sha256: String, teamID: String) async throws -> (asset: Asset, owner: Generation?)? {
        guard let asset = try await store.asset(sha256: sha256, teamID: teamID), await isStored(sha256) else {
            return nil
        }
        return (asset, try await store.latestGeneration(holding: sha256, teamID: teamID))
    }

    public func derivedFiles(_ kind: DerivedKind, of sources: [String]) async throws -> [String: Asset] {
        try await store.derivedFiles(kind, of: sources)
    }

    /// Whether the store holds the blob; a remote store's yes is remembered for a minute.
    private func isStored(_ sha256: String) async -> Bool {
        if case .file = blobs.backend.delivery { return await blobs.contains(sha256) }
        if let seen = blobsSeen[sha256], now().timeIntervalSince(seen) < 60 { return true }
        guard await blobs.contains(sha256) else { return false }
        blobsSeen.insert(now(), for: sha256)
        return true
    }

    /// The cached model catalogue.
    public func cachedModels() async throws -> [CatalogueModel] {
        try await store.cachedModels()
    }

    /// A model's title from the cache, or its slug.
    public func modelTitle(_ slug: String) async -> String {
        ((try? await store.cachedModel(slug: slug)) ?? nil)?.title ?? slug
    }

    public func spend(teamID: String, groupBy: SpendGrouping, from: Date?, to: Date?) async throws -> SpendReport {
        let tallies = try await store.spend(teamID: teamID, groupBy: groupBy, from: from, to: to)
        return SpendReport(groupBy: groupBy, rows: tallies.rows.map(SpendRow.init), total: SpendRow(tallies.total))
    }

    public func remakes(of id: String, teamID: String) async throws -> [Generation] {
        try await store.remakes(of: id, teamID: teamID)
    }

    public func storageBytes(teamID: String) async throws -> Int64 {
        try await store.storageBytes(teamID: teamID)
    }
}
