import Storage
import EachLabs
import Foundation

/// Why a model could not be found.
public enum CatalogueError: Error, Sendable, CustomStringConvertible {
    case unknownModel(String)
    case unavailable(ProviderError)

    public var description: String {
        switch self {
        case .unknownModel(let slug): "unknown model '\(slug)'"
        case .unavailable(let error): "the model catalogue is unavailable: \(error)"
        }
    }
}

extension Vault {
    /// How long a cached model is trusted before it is read from the provider again.
    static let catalogueFreshness: TimeInterval = 24 * 3600

    /// The model `slug`, from the SQLite cache when its own read (with the price) is fresh, otherwise from the
    /// provider (falling back to the cache entry if the provider cannot be reached). One read per model a day.
    /// A slug that is not a plain name (letters, digits, `-`, `_`, `.`, at most 128) is unknown without a call, and
    /// so, for a while, is one the provider just said it does not know.
    public func model(slug: String) async throws(CatalogueError) -> CatalogueModel {
        guard Self.isPlausibleSlug(slug) else { throw .unknownModel(String(slug.prefix(128))) }
        let cached = try? await store.cachedModel(slug: slug)
        if let cached, let detailed = cached.detailFetchedAt, now().timeIntervalSince(detailed) < Self.catalogueFreshness {
            return cached
        }
        if cached == nil, unknownModels.contains(slug, now: now()) { throw .unknownModel(slug) }
        do {
            let fetched = try await provider.model(slug: slug)
            return await (try? store.saveModelDetail(fetched, now: now())) ?? CatalogueModel(fetched, fetchedAt: now())
        } catch .notFound {
            unknownModels.insert(slug, now: now())
            throw .unknownModel(slug)
        } catch {
            if let cached { return cached }
            throw .unavailable(error)
        }
    }

    static func isPlausibleSlug(_ slug: String) -> Bool {
        (1...128).contains(slug.utf8.count)
            && slug.utf8.allSatisfy {
                (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) || $0 == 45 || $0 == 95 || $0 == 46
            } && slug != "." && slug != ".."
    }

    /// Reads the provider's whole model list into the cache. Returns how many models it holds.
    @discardableResult
    public func syncCatalogue() async throws(ProviderError) -> Int {
        var offset = 0
        let pageSize = 500
        while true {
            let page = try await provider.listModels(name: nil, limit: pageSize, offset: offset)
            try? await store.saveModels(page, now: now())
            offset += page.count
            if page.count < pageSize { return offset }
        }
    }
}
