import EachLabs
import Foundation
import Storage

/// Why a model could not be found.
public enum CatalogueError: Error, Sendable, CustomStringConvertible {
    /// Not in the provider's catalogue; `suggestions` are the nearest slugs it holds.
    case unknownModel(String, suggestions: [String])
    case unavailable(ProviderError)

    public var description: String {
        switch self {
        case .unknownModel(let slug, _): "unknown model '\(slug)'"
        case .unavailable(let error): "the model catalogue is unavailable: \(error)"
        }
    }
}

extension Vault {
    /// How long a cached model is trusted before it is read from the provider again.
    static let catalogueFreshness: TimeInterval = 24 * 3600

    /// The model `slug`, from the cache when its own read (with the price) is fresh, otherwise from the provider
    /// (falling back to the cache entry if the provider cannot be reached): one read per model a day. A slug the
    /// synced catalogue lacks is unknown without a provider call, answered with the nearest slugs; it asks for a
    /// refresh of the catalogue in the background (at most once a minute), so a model the provider has just added is
    /// found within a minute. So is a slug that is not a plain name (letters, digits, `-`, `_`, `.`, at most 128).
    public func model(slug: String) async throws(CatalogueError) -> CatalogueModel {
        guard Self.isPlausibleSlug(slug) else { throw .unknownModel(String(slug.prefix(128)), suggestions: []) }
        let cached = try? await store.cachedModel(slug: slug)
        if let cached, let detailed = cached.detailFetchedAt, now().timeIntervalSince(detailed) < Self.catalogueFreshness {
            return cached
        }
        if cached == nil, let known = await knownSlugs() {
            guard known.contains(slug) else {
                refreshCatalogueInBackground()
                throw .unknownModel(slug, suggestions: ModelSuggestions.nearest(slug, among: known))
            }
        }
        if cached == nil, unknownModels.contains(slug, now: now()) { throw .unknownModel(slug, suggestions: []) }
        do {
            let fetched = try await provider.model(slug: slug)
            return await (try? store.saveModelDetail(fetched, now: now())) ?? CatalogueModel(fetched, fetchedAt: now())
        } catch .notFound {
            unknownModels.insert(slug, now: now())
            throw .unknownModel(slug, suggestions: [])
        } catch {
            if let cached { return cached }
            throw .unavailable(error)
        }
    }

    /// The slugs of the catalogue this process last read whole; nil until it has (the first moments after a start,
    /// or while the provider has been unreachable since): then a refresh is asked for, and the model is read by itself
    /// as before. The store's cache is not taken instead: while the first read is being saved it holds only part of
    /// the catalogue, and a known model would be answered as unknown.
    private func knownSlugs() async -> Set<String>? {
        if let known = await catalogue.slugs { return known }
        refreshCatalogueInBackground()
        return nil
    }

    /// Reads the provider's catalogue again unless it was read less than a minute ago; the refresh running, if any.
    @discardableResult
    public func refreshCatalogue() async -> Task<Void, Never>? {
        await catalogue.refresh(now: now()) { [self] in
            do {
                return try await syncCatalogue()
            } catch {
                logger.warning("model catalogue not synced", metadata: ["error": "\(error)"])
                return nil
            }
        }
    }

    private func refreshCatalogueInBackground() {
        Task { await refreshCatalogue() }
    }

    static func isPlausibleSlug(_ slug: String) -> Bool {
        (1...128).contains(slug.utf8.count)
            && slug.utf8.allSatisfy {
                (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) || $0 == 45 || $0 == 95 || $0 == 46
            } && slug != "." && slug != ".."
    }

    /// Reads the provider's whole model list into the cache. Returns the slugs it holds.
    @discardableResult
    public func syncCatalogue() async throws(ProviderError) -> Set<String> {
        var slugs = Set<String>()
        let pageSize = 500
        while true {
            let page = try await provider.listModels(name: nil, limit: pageSize, offset: slugs.count)
            try? await store.saveModels(page, now: now())
            let before = slugs.count
            slugs.formUnion(page.map(\.slug))
            if page.count < pageSize || slugs.count == before { return slugs }  // a repeated page ends it too
        }
    }
}
