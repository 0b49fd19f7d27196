import Foundation
import TestSupport
import Testing
import VaultContract
import VaultRuntime
import Workers

@Suite(.timeLimit(.minutes(5))) struct ShareTests {
    @Test(arguments: StoreBackend.allCases)
    func linksOpenWithoutATokenUntilTheyExpireOrAreRevoked(_ backend: StoreBackend) async throws {
        try await withHarness(backend: backend) { harness in
            let created = try await harness.client.createGeneration(
                GenerationRequest(
                    model: "pixverse-v5-6-text-to-video", input: ["prompt": "<script>alert('x')</script> & a harbour at dusk"]))
            _ = try await harness.waitUntilFinal([created.id])
            let asset = try #require(try await harness.client.generation(id: created.id).assets.first)

            struct Share: Decodable { var id: String; var url: String }
            let made = try await harness.raw("POST", "/v1/generations/\(created.id)/share", body: #"{"expires_in_s": 3600}"#)
            #expect(made.status == 201)
            let share = try JSONDecoder().decode(Share.self, from: Data(made.body.utf8))
            let path = String(share.url.dropFirst(harness.server.baseURL.count))
            #expect(path.hasPrefix("/s/") && path.count > 40)

            let page = try await harness.raw("GET", path, token: .some(nil))
            #expect(page.status == 200)
            #expect(page.headers["Content-Type"]?.hasPrefix("text/html") == true)
            #expect(page.body.contains("<video") && page.body.contains("preload=\"metadata\""))
            #expect(page.body.contains("&lt;script&gt;alert") && !page.body.contains("<script>alert"))
            let video = try await harness.raw("GET", path + "/video", headers: [("Range", "bytes=0-99")], token: .some(nil))
            #expect(video.status == 206 && video.headers["Content-Range"] == "bytes 0-99/\(asset.size)")
            let download = try await harness.raw("GET", path + "/video?download=1", token: .some(nil))
            #expect(download.headers["Content-Disposition"]?.contains("pixverse-v5-6-text-to-video-") == true)

            // Tampered: one character changed is simply unknown.
            let tampered = String(path.dropLast()) + (path.hasSuffix("0") ? "1" : "0")
            #expect(try await harness.raw("GET", tampered, token: .some(nil)).status == 404)
            #expect(try await harness.raw("GET", tampered + "/video", token: .some(nil)).status == 404)

            // Expired: the service's clock moves past the expiry.
            harness.clock.advance(by: 3601)
            #expect(try await harness.raw("GET", path, token: .some(nil)).status == 410)
            #expect(try await harness.raw("GET", path + "/video", token: .some(nil)).status == 410)

            // Revoked.
            let second = try JSONDecoder().decode(
                Share.self,
                from: Data(
                    try await harness.raw(
                        "POST", "/v1/generations/\(created.id)/share", body: ""
                    ).body.utf8))
            let secondPath = String(second.url.dropFirst(harness.server.baseURL.count))
            #expect(try await harness.raw("GET", secondPath, token: .some(nil)).status == 200)
            let (_, otherToken, _) = try await harness.makeTeam("team-b")
            #expect(try await harness.raw("DELETE", "/v1/shares/\(second.id)", token: otherToken).status == 404)
            #expect(try await harness.raw("DELETE", "/v1/shares/\(second.id)").status == 204)
            #expect(try await harness.raw("GET", secondPath, token: .some(nil)).status == 410)

            // Expiry limits.
            #expect(
                try await harness.raw(
                    "POST", "/v1/generations/\(created.id)/share",
                    body: #"{"expires_in_s": 99999999}"#
                ).status == 422)
        }
    }
}
