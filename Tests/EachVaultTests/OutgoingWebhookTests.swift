import Foundation
import TestSupport
import Testing
import Transport
import VaultContract

/// Outgoing webhooks against a receiver that verifies every delivery with the `standardwebhooks` package (PyPI):
/// signatures valid, the same id on every attempt, a generation's events in order, the delivery log, an endpoint
/// disabled after its retries run out, and a replay.
@Suite(.timeLimit(.minutes(5))) struct OutgoingWebhookTests {
    static let script = ServiceProcess.binary.deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appending(path: "Tests/Webhooks/receiver.py")

    struct Seen: Decodable, Equatable {
        var id: String?
        var verified: Bool
        var type: String?
        var generation_id: String?
    }

    /// The receiver in a child process of its own, its output discarded (a child holding the test's output open
    /// would keep `swift test` waiting after the tests end).
    static func startReceiver(port: Int, secret: String, mode: String) throws -> SpawnedProcess {
        try SpawnedProcess(["/usr/bin/env", "python3", script.path, String(port), secret, mode])
    }

    static func stop(_ process: SpawnedProcess) { process.stop(SIGKILL) }

    static func seen(_ url: String) async throws -> [Seen] {
        let base = url.hasSuffix("/hook") ? String(url.dropLast(5)) : url
        let response = try await CurlTransport().send(HTTPRequest(url: base + "/seen", timeout: .seconds(2)))
        return try JSONDecoder().decode([Seen].self, from: response.body)
    }

    @Test(arguments: StoreBackend.allCases)
    func eventsArriveSignedInOrderAndRetriedWithTheirIds(_ backend: StoreBackend) async throws {
        try await withHarness(backend: backend) { harness in
            // The secret is only known once the endpoint exists: register, then start the receiver at that URL.
            let port = try freeLoopbackPort()
            let endpoint = try await harness.client.createEndpoint(EndpointRequest(url: "http://127.0.0.1:\(port)/hook"))
            let secret = try #require(endpoint.secret)
            #expect(secret.hasPrefix("whsec_") && endpoint.events.count == 4)
            #expect(try await harness.client.endpoints().allSatisfy { $0.secret == nil })  // shown once
            let receiver = try Self.startReceiver(port: port, secret: secret, mode: "flaky")
            defer { Self.stop(receiver) }
            let base = "http://127.0.0.1:\(port)"
            try await eventually { (try? await Self.seen(base)) != nil }

            let created = try await harness.client.createGeneration(
                GenerationRequest(model: "pixverse-v5-6-text-to-video", input: ["prompt": "announced to the team"]))
            _ = try await harness.waitUntilFinal([created.id])
            try await eventually {
                try await Self.seen(base).filter { $0.type == "generation.completed" }.count == 2
            }
            let received = try await Self.seen(base).filter { $0.generation_id == created.id }
            let allVerified = received.allSatisfy(\.verified)
            #expect(allVerified, "\(received)")
            // Each message twice (refused, then taken) under the same id; the asset before the completion.
            #expect(received.map(\.type) == ["asset.stored", "asset.stored", "generation.completed", "generation.completed"])
            #expect(received[0].id == received[1].id && received[2].id == received[3].id && received[0].id != received[2].id)

            let log = try await harness.client.deliveries(endpointID: endpoint.id)
            #expect(log.count == 2 && log.allSatisfy { $0.deliveredAt != nil && $0.attempts.map(\.status) == [500, 204] })
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func anEndpointThatKeepsFailingIsDisabledAndAMessageCanBeReplayed(_ backend: StoreBackend) async throws {
        try await withHarness(backend: backend) { harness in
            let port = try freeLoopbackPort()
            let endpoint = try await harness.client.createEndpoint(
                EndpointRequest(url: "http://127.0.0.1:\(port)/hook", events: ["generation.completed"]))
            let receiver = try Self.startReceiver(port: port, secret: try #require(endpoint.secret), mode: "down")
            defer { Self.stop(receiver) }

            let created = try await harness.client.createGeneration(
                GenerationRequest(model: "pixverse-v5-6-text-to-video", input: ["prompt": "nobody listens"]))
            _ = try await harness.waitUntilFinal([created.id])
            try await eventually { try await harness.client.endpoints().first?.enabled == false }
            let disabled = try #require(try await harness.client.endpoints().first)
            #expect(disabled.disabledReason?.contains("failed for about a day") == true)
            // The team is told in the gallery too.
            let gallery = try await harness.raw("GET", "/", headers: [try await harness.signIn().cookie], token: .some(nil))
            #expect(gallery.body.contains("Webhook endpoint http://127.0.0.1:\(port)/hook was disabled after every attempt"))
            let log = try await harness.client.deliveries(endpointID: endpoint.id)
            #expect(log.count == 1 && log[0].gaveUpAt != nil && log[0].attempts.count == 4)  // first try and 3 retries

            // Enabled again and replayed: one more attempt, same id.
            _ = try await harness.client.updateEndpoint(id: endpoint.id, EndpointRequest(enabled: true))
            try await harness.client.replay(endpointID: endpoint.id, messageID: log[0].messageID)
            try await eventually { try await harness.client.deliveries(endpointID: endpoint.id)[0].attempts.count >= 5 }
            let refused = try await harness.raw("POST", "/v1/endpoints", body: #"{"url": "ftp://x", "events": ["nope"]}"#)
            #expect(refused.status == 422 && refused.body.contains("\"field\":\"url\"") && refused.body.contains("\"field\":\"events\""))
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func messagesWaitingAtARestartAreDeliveredAfterItWithTheirIds(_ backend: StoreBackend) async throws {
        var workers = Harness.testSettings
        workers.outgoingRetries = Array(repeating: .milliseconds(500), count: 40)  // about 20 s of tries
        try await withHarness(workers: workers, backend: backend) { harness in
            let port = try freeLoopbackPort()
            let endpoint = try await harness.client.createEndpoint(
                EndpointRequest(url: "http://127.0.0.1:\(port)/hook", events: ["generation.completed"]))
            let created = try await harness.client.createGeneration(
                GenerationRequest(model: "pixverse-v5-6-text-to-video", input: ["prompt": "told after a restart"]))
            _ = try await harness.waitUntilFinal([created.id])
            // Nobody listens yet: the message is tried and waits.
            try await eventually { try await harness.client.deliveries(endpointID: endpoint.id).first?.attempts.isEmpty == false }
            let waiting = try #require(try await harness.client.deliveries(endpointID: endpoint.id).first)
            #expect(waiting.deliveredAt == nil && waiting.attempts.allSatisfy { $0.status == nil })

            try await harness.restartService()
            let receiver = try Self.startReceiver(port: port, secret: try #require(endpoint.secret), mode: "ok")
            defer { Self.stop(receiver) }
            try await eventually {
                (try? await Self.seen("http://127.0.0.1:\(port)"))?.contains { $0.type == "generation.completed" } == true
            }
            let received = try await Self.seen("http://127.0.0.1:\(port)")
            #expect(received.map(\.id) == [waiting.messageID] && received.allSatisfy(\.verified))
            try await eventually { try await harness.client.deliveries(endpointID: endpoint.id).first?.deliveredAt != nil }
        }
    }

    /// The real binary, SIGKILLed while a delivery is in flight (the receiver holds its answer): after the restart
    /// the message is sent again with the same id, recorded as delivered, and no other message is duplicated.
    @Test func aKillMidDeliveryNeitherLosesNorDuplicatesBeyondOneResendWithTheSameID() async throws {
        let launched = try await LaunchedService.start(team: "listeners")
        let (service, client) = (launched.service, launched.client)
        let port = try freeLoopbackPort()
        let endpoint = try await client.createEndpoint(
            EndpointRequest(url: "http://127.0.0.1:\(port)/hook", events: ["generation.completed"]))
        let receiver = try Self.startReceiver(port: port, secret: try #require(endpoint.secret), mode: "slow-first")
        defer { Self.stop(receiver) }
        let base = "http://127.0.0.1:\(port)"
        try await eventually { (try? await Self.seen(base)) != nil }

        let created = try await client.createGeneration(
            GenerationRequest(model: "pixverse-v5-6-text-to-video", input: ["prompt": "announced across a kill"]))
        try await eventually(timeout: .seconds(60)) { try await Self.seen(base).count == 1 }  // in flight now
        await service.kill()
        try await service.start()
        try await eventually(timeout: .seconds(60)) {
            try await client.deliveries(endpointID: endpoint.id).first?.deliveredAt != nil
        }
        let received = try await Self.seen(base)
        let allVerified = received.allSatisfy(\.verified)
        #expect(allVerified && received.count == 2 && Set(received.map(\.id)).count == 1)
        #expect(received.allSatisfy { $0.generation_id == created.id && $0.type == "generation.completed" })
        await launched.stop()
    }
}
