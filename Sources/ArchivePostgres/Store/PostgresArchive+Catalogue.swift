import Archive
import EachLabs
import Foundation

extension PostgresArchive: CatalogueStore {
    public func cachedModel(slug: String) async throws -> CatalogueModel? {
        try await sql.fetchOne(CatalogueModel.self, "SELECT * FROM models WHERE slug = ?", [slug])
    }

    public func cachedModels() async throws -> [CatalogueModel] {
        try await sql.fetchAll(CatalogueModel.self, "SELECT * FROM models ORDER BY slug")
    }

    /// Stores (or refreshes) catalogue entries from a list answer, which carries no `cost`: a known cost is kept.
    public func saveModels(_ models: [ProviderModel], now: Date) async throws {
        try await transaction { sql in
            for model in models {
                try await sql.save(
                    CatalogueModel(model, fetchedAt: now), key: ["slug"], keeping: ["cost", "detail_fetched_at"])
            }
        }
    }

    /// Stores a model from its own read, cost included.
    public func saveModelDetail(_ model: ProviderModel, now: Date) async throws -> CatalogueModel {
        var record = CatalogueModel(model, fetchedAt: now)
        record.detailFetchedAt = now
        try await sql.save(record, key: ["slug"])
        return record
    }
}
