import EachLabs
import Foundation
import GRDB

extension AppDatabase {
    public func cachedModel(slug: String) async throws -> CatalogueModel? {
        try await read { db in try CatalogueModel.fetchOne(db, key: slug) }
    }

    public func cachedModels() async throws -> [CatalogueModel] {
        try await read { db in try CatalogueModel.order(CatalogueModel.Columns.slug).fetchAll(db) }
    }

    /// Stores (or refreshes) catalogue entries from a list answer, which carries no `cost`: a known cost is kept.
    public func saveModels(_ models: [ProviderModel], now: Date) async throws {
        try await write { db in
            for model in models {
                var record = CatalogueModel(model, fetchedAt: now)
                if let existing = try CatalogueModel.fetchOne(db, key: model.slug) {
                    record.cost = existing.cost
                    record.detailFetchedAt = existing.detailFetchedAt
                }
                try record.save(db)
            }
        }
    }

    /// Stores a model from its own read, cost included.
    public func saveModelDetail(_ model: ProviderModel, now: Date) async throws -> CatalogueModel {
        var record = CatalogueModel(model, fetchedAt: now)
        record.detailFetchedAt = now
        try await write { [record] db in try record.save(db) }
        return record
    }
}
