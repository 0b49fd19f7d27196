import Foundation
import VaultContract

/// `/v1/collections`: a team's named collections, and their share links.
extension VaultClient {
    public func createCollection(_ request: CollectionRequest) async throws -> CollectionView {
        try await call("POST", "/v1/collections", body: encoder.encode(request))
    }

    /// The team's collections, by name.
    public func collections() async throws -> [CollectionView] { try await call("GET", "/v1/collections") }

    public func collection(id: String) async throws -> CollectionView {
        try await call("GET", "/v1/collections/\(Self.encoded(id))")
    }

    /// Renames, describes, adds and removes generations: all of it, or nothing when refused.
    public func updateCollection(id: String, _ request: CollectionRequest) async throws -> CollectionView {
        try await call("PATCH", "/v1/collections/\(Self.encoded(id))", body: encoder.encode(request))
    }

    /// Deletes the collection and its links; its generations stay.
    public func deleteCollection(id: String) async throws {
        let _: Empty = try await call("DELETE", "/v1/collections/\(Self.encoded(id))")
    }

    /// One link to a page of every finished video in the collection.
    public func shareCollection(id: String, expiresInS: Double?) async throws -> CreatedShare {
        try await call(
            "POST", "/v1/collections/\(Self.encoded(id))/share", body: encoder.encode(ShareRequest(expiresInS: expiresInS)))
    }

    /// The collection's share links, newest first.
    public func collectionShares(id: String) async throws -> [ShareView] {
        try await call("GET", "/v1/collections/\(Self.encoded(id))/shares")
    }

    /// The collection whose id or name is `reference` (names as the team wrote them).
    public func collection(named reference: String) async throws -> CollectionView? {
        let all = try await collections()
        return all.first { $0.id == reference } ?? all.first { $0.name == reference }
    }
}
