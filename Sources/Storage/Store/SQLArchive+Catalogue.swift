import EachLabs
import Foundation

/// The provider's model catalogue, cached.
extension SQLArchive {
    public func cachedModel(slug: String) async throws -> CatalogueModel? {
        try await reading { db in try db.fetchOne(CatalogueModel.self, "SELECT * FROM models WHERE slug = \(slug)") }
    }

    public func cachedModels() async throws -> [CatalogueModel] {
        try await reading { db in try db.fetchAll(CatalogueModel.self, "SELECT * FROM models ORDER BY slug") }
    }

    /// Stores (or refreshes) catalogue entries from a list answer, which carries no `cost`: a known cost is kept.
    public func saveModels(_ models: [ProviderModel], now: Date) async throws {
        // One row per slug (a list that names one twice keeps the last), in a few statements.
        var bySlug: [String: CatalogueModel] = [:]
        for model in models { bySlug[model.slug] = CatalogueModel(model, fetchedAt: now) }
        let records = bySlug.keys.sorted().compactMap { bySlug[$0] }
        try await writing { db in try db.save(records, key: ["slug"], keeping: ["cost", "detail_fetched_at"]) }
    }

    /// Stores a model from its own read, cost included.
    public func saveModelDetail(_ model: ProviderModel, now: Date) async throws -> CatalogueModel {
        var record = CatalogueModel(model, fetchedAt: now)
        record.detailFetchedAt = now
        try await writing { [record] db in try db.save(record, key: ["slug"]) }
        return record
    }
}
