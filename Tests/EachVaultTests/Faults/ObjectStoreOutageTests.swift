import Foundation
import ObjectStorage
import TestSupport
import Testing
import Transport
import VaultContract
import VaultRuntime

/// The object store goes away mid-run (every connection to it reset, through a `FaultProxy` in front of a real
/// moto server): a fetched output waits in `tmp/` instead of being fetched again or failing its generation, and is
/// stored once the store is back, without a restart.
@Suite(.serialized, .timeLimit(.minutes(3))) struct ObjectStoreOutageTests {
    @Test func aFetchedFileWaitsForTheStoreAndIsStoredOnceItIsBackWithoutFetchingItAgain() async throws {
        let server = try await S3TestServer.start()
        let proxy = try FaultProxy(upstreamPort: server.port)
        defer { proxy.stop() }
        let configure: @Sendable (inout VaultConfiguration) -> Void = { configuration in
            configuration.blobStore = .s3(try! server.location(port: proxy.port))
            configuration.objectStore.serving = .proxy
        }
        try await withHarness(configure: configure) { harness in
            proxy.reset()
            let created = try await harness.client.createGeneration(
                GenerationRequest(model: "pixverse-v5-6-text-to-video", input: ["prompt": "waits for its bucket"]))

            // Fetched once, then noted as waiting; each later attempt rewrites the note without fetching again.
            let temp = harness.vault.blobs.tempDirectory
            var firstNote: Date?
            try await eventually(timeout: .seconds(60)) {
                firstNote = Self.waitingNote(in: temp)
                return firstNote != nil
            }
            try await eventually(timeout: .seconds(60)) { (Self.waitingNote(in: temp) ?? .distantPast) > firstNote! }
            #expect(await harness.simulator.stats().fileRequests == 1, "fetched once while the store was down")
            let waiting = try #require(try await harness.vault.store.generation(id: created.id))
            #expect(waiting.status == .downloading, "waits: the outage costs the output no attempt")
            let ready = try await harness.raw("GET", "/readyz", token: .some(nil))
            #expect(ready.status == 503 && ready.body.contains(#""blob_store":"unreachable""#), "\(ready.body)")

            proxy.restore()
            let restored = ContinuousClock.now
            let final = try await harness.waitUntilFinal([created.id], timeout: .seconds(90))
            print("fault figures: object store reset: stored \(ContinuousClock.now - restored) after it came back")
            let histories = await harness.histories(of: final)
            #expect(final.first?.status == .completed, "\(histories)")
            #expect(await harness.simulator.stats().fileRequests == 1, "never fetched again")
            let asset = try #require(try await harness.client.generation(id: created.id).assets.first)
            let direct = S3Client(location: try server.location(), transport: CurlTransport())
            #expect(try await direct.head(asset.sha256)?.size == asset.size)
            let left = try FileManager.default.contentsOfDirectory(atPath: temp.path)
            #expect(!left.contains { $0.hasSuffix(".part") || $0.hasSuffix(".asset") }, "\(left)")
        }
    }

    /// When the note of a fetched file waiting for the store was last written, if one waits.
    private static func waitingNote(in temp: URL) -> Date? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: temp.path)) ?? []
        return names.first { $0.hasSuffix(".part.asset") }.flatMap {
            try? FileManager.default.attributesOfItem(atPath: temp.appending(path: $0).path)[.modificationDate] as? Date
        }
    }
}
