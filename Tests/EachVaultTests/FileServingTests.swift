import Foundation
import Testing
import VaultRuntime
import Workers

@Suite struct FileServingTests {
    @Test func storedFilesAreServedWithRangesAndValidators() async throws {
        let harness = try await Harness()
        let created = try await harness.client.createGeneration(GenerationRequest(
            model: "pixverse-v5-6-text-to-video", input: ["prompt": "range test"]))
        _ = try await harness.waitUntilFinal([created.id])
        let asset = try #require(try await harness.client.generation(id: created.id).assets.first)
        #expect(asset.url == "\(harness.server.baseURL)/v1/files/\(asset.sha256)")
        let path = "/v1/files/\(asset.sha256)"
        let stored = try Data(contentsOf: harness.vault.blobs.url(for: asset.sha256))

        let full = try await harness.raw("GET", path)
        #expect(full.status == 200)
        #expect(full.headers["Content-Length"] == String(asset.size))
        #expect(full.headers["Accept-Ranges"] == "bytes")
        #expect(full.headers["ETag"] == "\"\(asset.sha256)\"")
        #expect(full.headers["Content-Type"] == "video/mp4")

        let first = try await harness.raw("GET", path, headers: [("Range", "bytes=0-0")])
        #expect(first.status == 206)
        #expect(first.headers["Content-Range"] == "bytes 0-0/\(asset.size)")
        let tail = try await harness.raw("GET", path, headers: [("Range", "bytes=-100")])
        #expect(tail.status == 206 && tail.headers["Content-Length"] == "100")
        let unsatisfiable = try await harness.raw("GET", path, headers: [("Range", "bytes=\(asset.size)-")])
        #expect(unsatisfiable.status == 416)
        #expect(unsatisfiable.headers["Content-Range"] == "bytes */\(asset.size)")
        let notModified = try await harness.raw("GET", path, headers: [("If-None-Match", "\"\(asset.sha256)\"")])
        #expect(notModified.status == 304)
        let staleIfRange = try await harness.raw("GET", path, headers: [("Range", "bytes=0-9"), ("If-Range", "\"other\"")])
        #expect(staleIfRange.status == 200)
        let head = try await harness.raw("HEAD", path)
        #expect(head.status == 200 && head.headers["Content-Length"] == String(asset.size) && head.body.isEmpty)

        // Byte-exact ranges straight from the blob on disk.
        let middle = try await CurlBytes.get(harness.server.baseURL + path, range: "bytes=100-4099", token: harness.token)
        #expect(middle == stored[100...4099])

        #expect(try await harness.raw("GET", "/v1/files/not-a-digest").status == 400)
        #expect(try await harness.raw("GET", "/v1/files/\(String(repeating: "a", count: 64))").status == 404)
        #expect(try await harness.raw("GET", "/v1/files/\(asset.sha256.uppercased())").status == 400)
        await harness.shutdown()
    }

    @Test func healthReadinessAndMetricsAnswer() async throws {
        let harness = try await Harness()
        #expect(try await harness.raw("GET", "/healthz").status == 200)
        #expect(try await harness.raw("GET", "/readyz").body.contains("ready"))
        let created = try await harness.client.createGeneration(GenerationRequest(
            model: "pixverse-v5-6-text-to-video", input: ["prompt": "metrics"]))
        _ = try await harness.waitUntilFinal([created.id])
        let metrics = try await harness.raw("GET", "/metrics").body
        #expect(metrics.contains("eachvault_provider_calls_total"))
        #expect(metrics.contains("eachvault_downloads_total"))
        await harness.shutdown()
    }
}

import Transport

/// Raw bytes of a ranged GET, through the same libcurl transport the service uses.
enum CurlBytes {
    static func get(_ url: String, range: String, token: String) async throws -> Data {
        try await CurlTransport().send(HTTPRequest(
            url: url, headers: [("Range", range), ("Authorization", "Bearer \(token)")])).body
    }
}
