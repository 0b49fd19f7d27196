import Foundation
import HTTPSupport
import Hummingbird
import Logging
import Synchronization
import TestSupport
import Testing
import VaultContract
import VaultRuntime

/// An endpoint answering 200 with a NUL byte in its body once made PostgreSQL refuse the recorded attempt, and the
/// message was posted again ninety times a second, forever: the answer is now stored without control characters and
/// the message delivered once, on both databases.
@Suite(.timeLimit(.minutes(5))) struct HostileEndpointAnswerTests {
    @Test(arguments: StoreBackend.allCases)
    func anAnswerWithANULByteIsRecordedAndTheMessageDeliveredOnce(_ backend: StoreBackend) async throws {
        final class Posts: Sendable { let count = Atomic<Int>(0) }
        let posts = Posts()
        let router = Router()
        router.post("/hook") { _, _ in
            posts.count.add(1, ordering: .relaxed)
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(bytes: Array("ok\u{0}\u{1}done".utf8))))
        }
        let endpointServer = try await RunningServer.start(router: router, host: "127.0.0.1", port: 0, logger: Logger.quiet)
        defer { Task { await endpointServer.stop() } }
        try await withHarness(backend: backend) { harness in
            let endpoint = try await harness.client.createEndpoint(
                EndpointRequest(url: endpointServer.baseURL + "/hook", events: ["generation.completed"]))
            let created = try await harness.client.createGeneration(
                GenerationRequest(model: "pixverse-v5-6-text-to-video", input: ["prompt": "answered with a NUL"]))
            _ = try await harness.waitUntilFinal([created.id])
            try await eventually {
                try await harness.client.deliveries(endpointID: endpoint.id).contains { $0.deliveredAt != nil }
            }
            try await Task.sleep(for: .seconds(1))  // a loop would have posted dozens of times by now
            #expect(posts.count.load(ordering: .relaxed) == 1)
            let attempt = try #require(try await harness.client.deliveries(endpointID: endpoint.id).first?.attempts.first)
            #expect(attempt.responseExcerpt == "ok  done", "\(attempt.responseExcerpt ?? "")")
        }
    }
}
