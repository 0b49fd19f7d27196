import Foundation
import HTTPSupport
import HTTPTypes
import Hummingbird
import Logging
import ObjectStorage
import Synchronization
import TestSupport
import Testing
import Transport
import VaultRuntime

/// The object store's passing faults (503 SlowDown, 500s) are retried with backoff, and a store that keeps failing
/// trips the client's circuit: calls then fail at once instead of each trying three times, until it is asked again.
@Suite(.timeLimit(.minutes(2))) struct ObjectStoreFaultTests {
    /// An S3 endpoint on loopback that answers 503 `SlowDown` to the first `failures` requests, then a small object.
    private final class FlakyStore: Sendable {
        let requests = Atomic<Int>(0)
        let failures: Int

        init(failures: Int) { self.failures = failures }

        func start() async throws -> RunningServer {
            let router = Router()
            router.on("**", method: .head) { _, _ in
                let seen = self.requests.add(1, ordering: .relaxed).newValue
                if seen <= self.failures {
                    return Response(
                        status: .serviceUnavailable,
                        body: .init(byteBuffer: ByteBuffer(string: "<Error><Code>SlowDown</Code><Message>Reduce your request rate</Message></Error>"))
                    )
                }
                return Response(status: .ok, headers: [.contentLength: "5"])
            }
            return try await RunningServer.start(router: router, host: "127.0.0.1", port: 0, logger: Logger.quiet)
        }
    }

    private func client(for server: RunningServer) throws -> S3Client {
        let environment = [
            "AWS_ENDPOINT_URL_S3": server.baseURL, "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "key",
            "AWS_SECRET_ACCESS_KEY": "secret", "EACHVAULT_S3_PATH_STYLE": "true",
        ]
        var resilience = S3Resilience()
        resilience.firstWait = .milliseconds(20)
        return S3Client(
            location: try S3Location(url: "s3://bucket/", environment: environment), transport: CurlTransport(),
            resilience: resilience)
    }

    @Test func passingRefusalsAreRetriedAndTheCallSucceeds() async throws {
        let store = FlakyStore(failures: 2)
        let server = try await store.start()
        defer { Task { await server.stop() } }
        let info = try await client(for: server).head("0a1b")
        #expect(info?.size == 5)
        #expect(store.requests.load(ordering: .relaxed) == 3, "two 503s, then the answer")
    }

    @Test func aStoreThatKeepsFailingTripsTheCircuitAndIsNotAskedUntilItCloses() async throws {
        let store = FlakyStore(failures: .max)
        let server = try await store.start()
        defer { Task { await server.stop() } }
        let client = try client(for: server)
        for _ in 0..<5 { await #expect(throws: S3Error.self) { try await client.head("0a1b") } }
        let asked = store.requests.load(ordering: .relaxed)
        #expect(asked == 15, "five calls, three tries each")
        #expect(client.isFailing)
        let refusal = await #expect(throws: S3Error.self) { try await client.head("0a1b") }
        #expect(refusal?.code == "CircuitOpen")
        #expect(store.requests.load(ordering: .relaxed) == asked, "an open circuit asks nothing")
    }
}
