import Foundation
import TestSupport
import Testing
import VaultAPIClient
import VaultContract

/// Named collections over the API, and a collection shared as one link: its public page plays every finished
/// video in it, through the link only, until the link is revoked.
@Suite(.timeLimit(.minutes(5))) struct CollectionTests {
    @Test(arguments: StoreBackend.allCases)
    func aCollectionIsGatheredSearchedAndSharedAsOneLink(_ backend: StoreBackend) async throws {
        try await withHarness(backend: backend) { harness in
            var ids: [String] = []
            for prompt in ["a lighthouse at dawn", "<b>bold</b> waves & spray", "a quiet harbour"] {
                let created = try await harness.client.createGeneration(
                    GenerationRequest(model: "pixverse-v5-6-text-to-video", input: ["prompt": .string(prompt)]))
                ids.append(created.id)
            }
            _ = try await harness.waitUntilFinal(ids)
            let client = harness.client

            let reel = try await client.createCollection(
                CollectionRequest(name: "  coast reel ", description: "for the client", add: [ids[0], ids[1]]))
            #expect(reel.name == "coast reel" && reel.itemCount == 2 && reel.description == "for the client")
            // The name is the team's once; another team's generation changes nothing.
            await #expect(throws: VaultClientError.self) { try await client.createCollection(CollectionRequest(name: "coast reel")) }
            #expect(try await harness.raw("POST", "/v1/collections", body: #"{"name": "coast reel"}"#).status == 409)
            #expect(try await harness.raw("POST", "/v1/collections", body: #"{"name": " "}"#).status == 422)
            #expect(try await harness.raw("POST", "/v1/collections", body: #"{}"#).status == 422)
            let unknown = try await harness.raw("PATCH", "/v1/collections/\(reel.id)", body: #"{"add": ["gen_nope"]}"#)
            #expect(unknown.status == 422 && unknown.body.contains("unknown_generations"))
            let (_, otherToken, _) = try await harness.makeTeam("team-b")
            #expect(try await harness.raw("GET", "/v1/collections/\(reel.id)", token: otherToken).status == 404)

            let found = try await client.search([("collection", reel.id)])
            #expect(Set(found.items.map(\.id)) == Set(ids.prefix(2)))
            #expect(try await harness.raw("GET", "/v1/generations?collection=nope").status == 400)
            let renamed = try await client.updateCollection(
                id: reel.id, CollectionRequest(name: "coast", description: .some(nil), add: [ids[2]], remove: [ids[0]]))
            #expect(renamed.name == "coast" && renamed.description == nil && renamed.itemCount == 2)
            #expect(try await client.collections().map(\.id) == [reel.id])

            // One link: a page of the finished videos, each played and downloaded through the link.
            let share = try await client.shareCollection(id: reel.id, expiresInS: 3600)
            let path = String(share.url.dropFirst(harness.server.baseURL.count))
            let page = try await harness.raw("GET", path, token: .some(nil))
            #expect(page.status == 200 && page.body.contains("<h1>coast</h1>"))
            #expect(page.body.contains("&lt;b&gt;bold&lt;/b&gt;") && !page.body.contains("a lighthouse at dawn"))
            #expect(page.body.contains("og:video") && page.body.contains("\(path)/items/\(ids[2])/video"))
            let asset = try #require(try await client.generation(id: ids[1]).assets.first)
            let video = try await harness.raw(
                "GET", "\(path)/items/\(ids[1])/video", headers: [("Range", "bytes=0-9")], token: .some(nil))
            #expect(video.status == 206 && video.headers["Content-Range"] == "bytes 0-9/\(asset.size)")
            // A generation taken out, or never in, is not reachable through the link; nor is the single-video path.
            #expect(try await harness.raw("GET", "\(path)/items/\(ids[0])/video", token: .some(nil)).status == 404)
            #expect(try await harness.raw("GET", "\(path)/video", token: .some(nil)).status == 404)

            #expect(try await client.collectionShares(id: reel.id).map(\.state) == ["active"])
            try await client.revokeShare(id: share.id)
            #expect(try await harness.raw("GET", path, token: .some(nil)).status == 410)
            #expect(try await harness.raw("GET", "\(path)/items/\(ids[1])/video", token: .some(nil)).status == 410)

            // Deleting the collection keeps its generations.
            try await client.deleteCollection(id: reel.id)
            #expect(try await harness.raw("GET", "/v1/collections/\(reel.id)").status == 404)
            #expect(try await client.generation(id: ids[1]).status == .completed)
        }
    }
}
