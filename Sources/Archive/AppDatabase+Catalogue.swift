import EachLabs
import Foundation
import GRDB

extension AppDatabase {
    public func cachedModel(slug: String) throws -> CatalogueModel? {
        try writer.read { db in try CatalogueModel.fetchOne(db, key: slug) }
    }

    public func cachedModels() throws -> [CatalogueModel] {
        try writer.read { db in try CatalogueModel.order(Column("slug")).fetchAll(db) }
    }

    /// Stores (or refreshes) catalogue entries. A list answer carries no `cost`: a known cost is kept.
    public func saveModels(_ models: [ProviderModel], now: Date) throws {
        try writer.write { db in
            for model in models {
                var record = CatalogueModel(model, fetchedAt: now)
                if record.cost == nil, let existing = try CatalogueModel.fetchOne(db, key: model.slug) {
                    record.cost = existing.cost
                }
                try record.save(db)
            }
        }
    }
}
