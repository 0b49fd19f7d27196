import Crypto
import Foundation
import Storage
@testable import VaultAPI
import Testing
import VaultContract
import VaultRuntime
import Workers

/// Peak memory is a whole-process figure: this suite runs in a process of its own (`make test`), so that other
/// tests' allocations do not count against it.
@Suite(.timeLimit(.minutes(5))) struct FlatMemoryTests {
    @Test(arguments: StoreBackend.allCases)
    func aVideoOver100MBIsServedWithFlatMemory(_ backend: StoreBackend) async throws {
        var settings = Harness.simulatorSettings
        settings.outputBytes = 120 << 20
        try await withHarness(simulator: settings, backend: backend) { harness in
            let created = try await harness.client.createGeneration(
                GenerationRequest(
                    model: "pixverse-v5-6-text-to-video", input: ["prompt": "a long take"]))
            _ = try await harness.waitUntilFinal([created.id], timeout: .seconds(120))
            let asset = try #require(try await harness.client.generation(id: created.id).assets.first)
            #expect(asset.size == 120 << 20)
            #expect(await harness.vault.blobs.check(try #require(try harness.vault.store.allAssets().first)) == .intact)
            // Stream the whole file through the API into a sink that only hashes: the process's peak memory must not
            // grow by anything near the file's size.
            let before = peakResidentBytes()
            let sink = try FileSink(appendingTo: harness.home.url.appending(path: "served.bin"))
            let response = try await CurlTransport().download(
                HTTPRequest(url: asset.url, headers: [("Authorization", "Bearer \(harness.token)")]), into: sink,
                limits: DownloadLimits())
            #expect(response.status == 200 && response.bytesReceived == asset.size)
            #expect(try sink.finish() == asset.sha256)
            #expect(peakResidentBytes() - before < 64 << 20, "peak memory grew by \((peakResidentBytes() - before) >> 20) MiB")
        }
    }
}

@Suite(.timeLimit(.minutes(5))) struct FileServingTests {
    @Test(arguments: StoreBackend.allCases)
    func storedFilesAreServedWithRangesAndValidators(_ backend: StoreBackend) async throws {
        try await withHarness(backend: backend) { harness in
            let created = try await harness.client.createGeneration(
                GenerationRequest(
                    model: "pixverse-v5-6-text-to-video", input: ["prompt": "range test"]))
            _ = try await harness.waitUntilFinal([created.id])
            let asset = try #require(try await harness.client.generation(id: created.id).assets.first)
            #expect(asset.url == "\(harness.server.baseURL)/v1/files/\(asset.sha256)")
            let path = "/v1/files/\(asset.sha256)"
            let stored = try Data(contentsOf: harness.vault.blobs.fileURL(for: asset.sha256))

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
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func healthReadinessAndMetricsAnswer(_ backend: StoreBackend) async throws {
        try await withHarness(backend: backend) { harness in
            #expect(try await harness.raw("GET", "/healthz").status == 200)
            let readiness = try ContractJSON.decoder().decode(
                Readiness.self, from: Data(try await harness.raw("GET", "/readyz").body.utf8))
            #expect(readiness.isReady && readiness.checks["database"] == "ok" && readiness.checks["blob_store"] == "ok")
            #expect(Set(readiness.queues.keys) == Set(QueueRule.all.map(\.name)) && readiness.queues.count == 8)
            let created = try await harness.client.createGeneration(
                GenerationRequest(
                    model: "pixverse-v5-6-text-to-video", input: ["prompt": "metrics"]))
            _ = try await harness.waitUntilFinal([created.id])
            // Every team's traffic: the operator's scraper token only, never a team token or nothing.
            #expect(try await harness.raw("GET", "/metrics").status == 404)
            #expect(try await harness.raw("GET", "/metrics", token: .some(nil)).status == 404)
            let metrics = try await harness.raw("GET", "/metrics", token: Harness.metricsToken).body
            #expect(metrics.contains("eachvault_provider_calls_total"))
            #expect(metrics.contains("eachvault_downloads_total"))
            #expect(metrics.contains(#"eachvault_generations{status="completed"}"#))
            #expect(metrics.contains("hb_requests"))
            #expect(metrics.contains(#"eachvault_queue_due{queue="polls"} 0"#))
            #expect(metrics.contains(#"eachvault_queue_oldest_due_seconds{queue="submissions"}"#))
            let asset = try #require(try await harness.client.generation(id: created.id).assets.first)
            #expect(metrics.contains(#"eachvault_storage_bytes{team="team-a"} \#(asset.size)"#))
            #expect(metrics.contains(#"eachvault_team_spend_usd{team="team-a"}"#))
            // The provider answered the workers' calls since.
            let after = try ContractJSON.decoder().decode(
                Readiness.self, from: Data(try await harness.raw("GET", "/readyz").body.utf8))
            #expect(after.checks["provider"] == "reachable")
        }
    }
}

import TestSupport
import Transport
import VaultDomain

/// Raw bytes of a ranged GET, through the same libcurl transport the service uses.
enum CurlBytes {
    static func get(_ url: String, range: String, token: String) async throws -> Data {
        try await CurlTransport().send(
            HTTPRequest(
                url: url, headers: [("Range", range), ("Authorization", "Bearer \(token)")])
        ).body
    }
}

/// The process's peak resident memory (VmHWM), in bytes.
func peakResidentBytes() -> Int {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
    return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) * 1024
}

@Suite(.timeLimit(.minutes(5))) struct EmptyFileTests {
    @Test(arguments: StoreBackend.allCases)
    func aZeroByteFileAnswersRangesCorrectly(_ backend: StoreBackend) async throws {
        try await withHarness(backend: backend) { harness in
            let database = harness.vault.store
            var waiting = Generation(
                id: Secrets.generationID(), teamID: harness.team.id, model: "pixverse-v5-6-text-to-video", version: "0.0.1",
                input: ["prompt": "empty"], tags: [], now: Date())
            waiting.nextActionAt = Date().addingTimeInterval(86400)  // the test submits it, not the submission worker
            let generation = try await database.insertGeneration(waiting)
            await #expect(try database.beginSubmission(id: generation.id, now: Date()))
            try await database.recordSubmitted(
                id: generation.id, predictionID: "empty-\(generation.id)", now: Date(),
                firstPollAt: Date().addingTimeInterval(3600))
            try await database.recordPoll(
                id: generation.id,
                outcome: .succeeded(
                    outputURLs: ["http://127.0.0.1:1/x"], costUSD: nil,
                    predictTime: nil), now: Date())
            let empty = SHA256.hash(data: Data()).lowercaseHex
            let output = try await #require(try database.generationDetail(id: generation.id)?.outputs.first?.output)
            let file = harness.vault.blobs.fileURL(for: empty)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data().write(to: file)
            _ = try await database.recordStored(
                .output(output),
                asset: Asset(
                    sha256: empty, size: 0, contentType: "video/mp4", durationS: nil, width: nil, height: nil,
                    videoCodec: nil, hasAudio: nil, storedAt: Date()), now: Date())
            let full = try await harness.raw("GET", "/v1/files/\(empty)")
            #expect(full.status == 200 && full.headers["Content-Length"] == "0" && full.body.isEmpty)
            for range in ["bytes=0-0", "bytes=-1", "bytes=0-"] {
                let answer = try await harness.raw("GET", "/v1/files/\(empty)", headers: [("Range", range)])
                #expect(answer.status == 416 && answer.headers["Content-Range"] == "bytes */0", "\(range)")
            }
        }
    }

    @Test func shareTokensAreRedactedFromRequestLogs() {
        #expect(RequestLogMiddlewareProbe.redact("/s/0123abcd/video") == "/s/…/video")
        #expect(RequestLogMiddlewareProbe.redact("/s/0123abcd") == "/s/…")
        #expect(RequestLogMiddlewareProbe.redact("/v1/files/abc") == "/v1/files/abc")
    }
}

enum RequestLogMiddlewareProbe {
    static func redact(_ path: String) -> String { RequestLogMiddleware<VaultRequestContext>.redacted(path) }
}
