import Foundation
import HTTPSupport
import Hummingbird
import Logging
import Storage
import Synchronization
import TestSupport
import Testing
import VaultContract
import Workers

/// What team A points the service at while it floods: endpoints that answer only after 10 s, a PNG that declares
/// 60,000 × 60,000 pixels; and team B's endpoint, which notes what it was sent.
final class FloodSite: Sendable {
    private let bodies = Mutex<[String]>([])
    let slowAnswers = Atomic<Int>(0)

    /// A PNG signature and header declaring a huge image, with no pixels: what an image bomb looks like up front.
    static let bomb: [UInt8] = {
        func be32(_ value: UInt32) -> [UInt8] { [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) } }
        let header = Array("IHDR".utf8) + be32(60_000) + be32(60_000) + [8, 2, 0, 0, 0]
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + be32(13) + header + be32(0)
            + be32(0) + Array("IEND".utf8) + be32(0xAE42_6082)
    }()

    func delivered(_ generationID: String) -> Bool { bodies.withLock { $0.contains { $0.contains(generationID) } } }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/hook/b") { request, _ in
            let body = try await request.body.collect(upTo: 1 << 20)
            self.bodies.withLock { $0.append(String(buffer: body)) }
            return Response(status: .noContent)
        }
        router.post("/slow/{n}") { _, _ in
            self.slowAnswers.add(1, ordering: .relaxed)
            try await Task.sleep(for: .seconds(10))
            return Response(status: .noContent)
        }
        router.get("/bomb.png") { _, _ in
            Response(status: .ok, headers: [.contentType: "image/png"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: Self.bomb)))
        }
        return router
    }
}

extension ResourceTests {
    /// Team A floods every queue at once: slow endpoints (ten, each answering after 10 s, two events per generation),
    /// creates, image bombs as inputs, unknown model slugs and dry runs whose URLs are fetched. Team B's whole path
    /// (create, completed, its webhook delivered, its poster made) must stay within twice its quiet time (medians of
    /// three; at least a second counted as quiet, the poll and ffmpeg granularity), on both databases.
    @Test(.timeLimit(.minutes(8)), arguments: StoreBackend.allCases)
    func anotherTeamsWholePathStaysQuickWhileOneTeamFloodsEveryQueue(_ backend: StoreBackend) async throws {
        try await withHarness(backend: backend, configure: Harness.makingPosters) { harness in
            let site = FloodSite()
            let server = try await RunningServer.start(router: site.router(), host: "127.0.0.1", port: 0, logger: Logger.quiet)
            let b = try await harness.makeTeam("team-b")
            _ = try await b.client.createEndpoint(
                EndpointRequest(url: "\(server.baseURL)/hook/b", events: ["generation.completed"]))
            for index in 0..<Vault.endpointsPerTeam {
                _ = try await harness.client.createEndpoint(EndpointRequest(url: "\(server.baseURL)/slow/\(index)"))
            }
            let store = harness.vault.store

            @Sendable func teamBPath(_ take: Int) async throws -> Duration {
                let started = ContinuousClock.now
                let created = try await b.client.createGeneration(
                    GenerationRequest(model: "pixverse-v5-6-text-to-video", input: ["prompt": .string("team b take \(take)")]))
                try await eventually(timeout: .seconds(120)) { try await store.generation(id: created.id)?.status == .completed }
                let completed = ContinuousClock.now - started
                try await eventually(timeout: .seconds(120)) { site.delivered(created.id) }
                let delivered = ContinuousClock.now - started
                try await eventually(timeout: .seconds(120)) {
                    guard let sha256 = try await store.generationDetail(id: created.id, teamID: nil)?.outputs.first?.asset?.sha256
                    else { return false }
                    return try await !store.derivedFiles(.poster, of: [sha256]).isEmpty
                }
                let whole = ContinuousClock.now - started
                print("flood test: take \(take): completed \(completed), delivered \(delivered), poster \(whole)")
                return whole
            }
            func median(_ takes: Range<Int>) async throws -> Duration {
                var times: [Duration] = []
                for take in takes { times.append(try await teamBPath(take)) }
                return times.sorted()[times.count / 2]
            }

            let quiet = try await median(0..<3)
            let bomb = "\(server.baseURL)/bomb.png"
            let flood = Task {
                var round = 0
                while !Task.isCancelled {
                    round += 1
                    let a = harness.client
                    _ = try? await a.createGeneration(
                        GenerationRequest(model: "pixverse-v5-6-text-to-video", input: ["prompt": .string("flood \(round)")]))
                    _ = try? await a.createGeneration(
                        GenerationRequest(
                            model: "pixverse-v5-6-image-to-video",
                            input: ["prompt": .string("bomb \(round)"), "image_url": .string("\(bomb)?\(round)")]))
                    for slug in 0..<3 {
                        _ = try? await harness.raw(
                            "POST", "/v1/generations", body: #"{"model": "no-such-model-\#(round)-\#(slug)", "input": {}}"#)
                    }
                    _ = try? await harness.raw(
                        "POST", "/v1/generations?dry_run=1",
                        body: #"{"model": "pixverse-v5-6-image-to-video", "input": {"prompt": "x", "image_url": "\#(bomb)?dry\#(round)"}}"#)
                }
            }
            // The flood is real before B is timed: team A's deliveries hold their share of the workers.
            try await eventually(timeout: .seconds(120)) { site.slowAnswers.load(ordering: .relaxed) >= Vault.deliveriesPerTeam }
            let loaded = try await median(3..<6)
            flood.cancel()
            _ = await flood.result
            let slowAnswers = site.slowAnswers.load(ordering: .relaxed)
            await server.stop()
            print("flood test (\(backend)): team B's path quiet \(quiet), under the flood \(loaded); \(slowAnswers) slow deliveries begun")
            #expect(loaded <= max(quiet, .seconds(1)) * 2, "quiet \(quiet), under the flood \(loaded)")
        }
    }
}
