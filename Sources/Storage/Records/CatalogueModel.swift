import EachLabs
import Foundation

/// A row of `models`: a cached catalogue entry.
public struct CatalogueModel: SQLRecord, Hashable {
    public static let tableName = "models"

    /// The columns queries filter and order by.
    public enum Columns {
        public static let slug = "slug"
    }

    public var slug: String
    public var version: String
    public var title: String
    public var category: String?
    public var outputType: String?
    public var requestSchema: RequestSchema
    public var cost: ModelCost?
    public var fetchedAt: Date
    /// When the single-model read (the only one that carries `cost`) was cached.
    public var detailFetchedAt: Date?

    public init(_ model: ProviderModel, fetchedAt: Date) {
        slug = model.slug
        version = model.version
        title = model.title
        category = model.kind.rawValue
        outputType = model.outputType
        requestSchema = model.requestSchema
        cost = model.cost
        self.fetchedAt = fetchedAt
    }
}
