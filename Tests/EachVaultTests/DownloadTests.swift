import Crypto
import Foundation
import HTTPSupport
import Hummingbird
import Logging
import Storage
import Synchronization
import TestSupport
import Testing
import Transport
import VaultContract
import VaultRuntime
import Workers

/// A CDN that misbehaves on purpose: error pages served as 200, expired files, bodies cut off mid-transfer.
final class MisbehavingCDN: Sendable {
    let clip: Data
    let flakyRequests = Atomic<Int>(0)
    /// The Range header of each request to the flaky file.
    let flakyRanges = Mutex<[String?]>([])

    init(clip: Data) {
        self.clip = clip
    }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        let clip = self.clip
        router.get("/html") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/html"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "<html><body>Service Unavailable</body></html>")))
        }
        router.get("/gone") { _, _ in Response(status: .notFound) }
        router.get("/video.mp4") { _, _ in
            Response(status: .ok, headers: [.contentType: "video/mp4"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: clip)))
        }
        router.get("/flaky.mp4") { request, _ in
            let attempt = self.flakyRequests.add(1, ordering: .relaxed).newValue
            let range = request.headers[.range]
            self.flakyRanges.withLock { $0.append(range) }
            if attempt > 1, let range, range.hasPrefix("bytes="), let start = Int(range.dropFirst(6).dropLast()) {
                let rest = clip.dropFirst(start)
                return Response(
                    status: .partialContent,
                    headers: [.contentType: "video/mp4", .contentRange: "bytes \(start)-\(clip.count - 1)/\(clip.count)"],
                    body: ResponseBody(byteBuffer: ByteBuffer(bytes: rest)))
            }
            let body = ResponseBody(contentLength: clip.count) { writer in
                if attempt == 1 {
                    try await writer.write(ByteBuffer(bytes: clip.prefix(clip.count / 2)))
                    throw CancellationError()  // drops the connection: a truncated body
                }
                try await writer.write(ByteBuffer(bytes: clip))
                try await writer.finish(nil)
            }
            return Response(status: .ok, headers: [.contentType: "video/mp4"], body: body)
        }
        return router
    }
}

@Suite(.timeLimit(.minutes(5))) struct DownloadTests {
    /// Puts a generation straight into `downloading` with the given output URLs, as a successful poll would.
    private func stage(_ harness: Harness, urls: [String]) async throws -> String {
        let database = harness.vault.store
        var staged = Generation(
            id: Secrets.generationID(), model: "pixverse-v5-6-text-to-video", version: "0.0.1", input: ["prompt": "cdn"],
            tags: [], now: Date())
        staged.nextActionAt = Date().addingTimeInterval(3600)  // not the submission worker's: this test submits it
        let generation = try await database.insertGeneration(staged)
        await #expect(try database.beginSubmission(id: generation.id, now: Date()))
        try await database.recordSubmitted(
            id: generation.id, predictionID: "external-\(generation.id)", now: Date(),
            firstPollAt: Date().addingTimeInterval(3600))
        try await database.recordPoll(
            id: generation.id, outcome: .succeeded(outputURLs: urls, costUSD: 0.1, predictTime: 1),
            now: Date())
        harness.vault.downloadsDue.signal()
        return generation.id
    }

    @Test(arguments: StoreBackend.allCases)
    func errorPagesExpiredFilesAndTruncatedBodiesAreHandled(_ backend: StoreBackend) async throws {
        try await withHarness(backend: backend) { harness in
            let cdn = MisbehavingCDN(clip: try Fixtures.data("clip-landscape.mp4"))
            let server = try await RunningServer.start(
                router: cdn.router(), host: "127.0.0.1", port: 0,
                logger: Logger.quiet)
            let html = try await stage(harness, urls: ["\(server.baseURL)/html"])
            let gone = try await stage(harness, urls: ["\(server.baseURL)/gone"])
            let flaky = try await stage(harness, urls: ["\(server.baseURL)/flaky.mp4"])
            let several = try await stage(harness, urls: ["\(server.baseURL)/video.mp4", "\(server.baseURL)/video.mp4"])
            let unsafe = try await stage(harness, urls: ["file:///etc/passwd"])
            _ = try await harness.waitUntilFinal([html, gone, flaky, several, unsafe])

            let database = harness.vault.store
            let htmlResult = try await #require(try database.generation(id: html))
            #expect(htmlResult.status == .failed && htmlResult.errorCode == "not_a_video")
            let goneResult = try await #require(try database.generation(id: gone))
            #expect(goneResult.status == .failed && goneResult.errorCode == "output_expired")
            #expect(goneResult.errorMessage?.contains("404") == true)

            let flakyDetail = try await #require(try database.generationDetail(id: flaky))
            #expect(flakyDetail.generation.status == .completed)
            #expect(flakyDetail.events.contains { $0.kind == "download_failed" })
            #expect(flakyDetail.outputs[0].asset?.size == Int64(cdn.clip.count))
            #expect(flakyDetail.outputs[0].asset?.sha256 == SHA256.hash(data: cdn.clip).lowercaseHex)
            // The second attempt resumed after the bytes the first one kept (with direct I/O, its whole blocks).
            let ranges = cdn.flakyRanges.withLock { $0 }
            #expect(ranges.count == 2 && ranges[0] == nil)
            let resumedAt = ranges.last??.dropFirst("bytes=".count).dropLast().description ?? ""
            #expect((cdn.clip.count / 2 - 4095...cdn.clip.count / 2).contains(Int(resumedAt) ?? -1))

            let severalDetail = try await #require(try database.generationDetail(id: several))
            #expect(severalDetail.generation.status == .completed)
            #expect(severalDetail.outputs.count == 2 && severalDetail.outputs[0].output.sha256 == severalDetail.outputs[1].output.sha256)

            let unsafeResult = try await #require(try database.generation(id: unsafe))
            #expect(unsafeResult.status == .failed && unsafeResult.errorMessage?.contains("only http and https") == true)

            #expect(try FileManager.default.contentsOfDirectory(atPath: harness.vault.blobs.tempDirectory.path).isEmpty)
            await #expect(try database.allAssets().count == 1)
            await server.stop()
        }
    }
}

/// A process killed between recording a stored file and removing its temp file leaves a `.part`: the next start
/// removes it, and one of a deleted generation.
@Suite(.timeLimit(.minutes(5))) struct PartialDownloadSweepTests {
    @Test func partialFilesOfStoredOrGoneDownloadsAreRemovedAtStart() async throws {
        try await withHarness { harness in
            let created = try await harness.client.createGeneration(
                GenerationRequest(model: "pixverse-v5-6-text-to-video", input: ["prompt": "a swept heron"]))
            _ = try await harness.waitUntilFinal([created.id])
            let stored = harness.vault.blobs.partialFile(for: "\(created.id)-0")
            let gone = harness.vault.blobs.partialFile(for: "gen_0000000000000000000000000000-0")
            let other = harness.vault.blobs.partialFile(for: "upload-kept")
            for file in [stored, gone, other] { try Data("partial".utf8).write(to: file) }
            await harness.vault.sweepFinishedDownloads()
            #expect(!FileManager.default.fileExists(atPath: stored.path) && !FileManager.default.fileExists(atPath: gone.path))
            #expect(FileManager.default.fileExists(atPath: other.path), "only downloads' partial files are its business")
        }
    }
}
