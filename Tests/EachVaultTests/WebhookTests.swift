import EachLabs
import Foundation
import Simulator
import Storage
import StoreSQLite
import TestSupport
import Testing
import VaultContract
import VaultRuntime
import Workers

/// Webhook-driven completion against the simulator's real signed deliveries.
@Suite(.timeLimit(.minutes(5))) struct WebhookTests {
    private func submit(_ harness: Harness, _ count: Int, prompt: String = "webhook") async throws -> [String] {
        var ids: [String] = []
        for index in 0..<count {
            ids.append(
                try await harness.client.createGeneration(
                    GenerationRequest(
                        model: "pixverse-v5-6-text-to-video", input: ["prompt": .string("\(prompt) \(index)")])
                ).id)
        }
        try await harness.waitUntilSubmitted(ids)
        return ids
    }

    @Test(arguments: StoreBackend.allCases)
    func healthyWebhooksNeedOnlyOneConfirmingRead(_ backend: StoreBackend) async throws {
        try await withHarness(webhooks: true, backend: backend) { harness in
            let ids = try await submit(harness, 5)
            let finished = try await harness.waitUntilFinal(ids)
            #expect(finished.allSatisfy { $0.status == .completed })
            // Wait for the confirming reads (they settle the cost a webhook does not carry).
            for _ in 0..<100 where try await harness.confirmPending(ids) {
                try await Task.sleep(for: .milliseconds(50))
            }
            let stats = await harness.simulator.stats()
            for generation in try await ids.asyncMap({ id -> Generation in try #require(try await harness.vault.store.generation(id: id)) }) {
                #expect(stats.readsByPrediction[generation.predictionID ?? ""] == 1)
                #expect(generation.costUSD != nil)
                #expect(!generation.confirmPending)
            }
            #expect(stats.creates == 5)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func withEveryWebhookDroppedPollingStillFinishes(_ backend: StoreBackend) async throws {
        var settings = Harness.simulatorSettings
        settings.faults.webhookDrop = 1
        try await withHarness(simulator: settings, webhooks: true, backend: backend) { harness in
            let ids = try await submit(harness, 4)
            let finished = try await harness.waitUntilFinal(ids)
            #expect(finished.allSatisfy { $0.status == .completed })
            #expect(try await ids.asyncAllSatisfy { try await harness.vault.store.webhookDeliveries(generationID: $0).isEmpty })
            #expect(await harness.simulator.stats().creates == 4)
        }
    }

    /// A wrong signature is rejected and polling finishes the job; a legacy-secret-only delivery is confirmed
    /// with the provider before anything is archived.
    @Test(arguments: [("webhook_wrong_secret", "rejected"), ("webhook_legacy_only", "confirm")])
    func misfitWebhooksStillEndCompleted(fault: String, verdict: String) async throws {
        var settings = Harness.simulatorSettings
        settings.faults = try JSONDecoder().decode(SimulatorFaults.self, from: Data(#"{"\#(fault)": 1}"#.utf8))
        try await withHarness(simulator: settings, webhooks: true) { harness in
            let ids = try await submit(harness, 2)
            let finished = try await harness.waitUntilFinal(ids)
            #expect(finished.allSatisfy { $0.status == .completed })
            let deliveries = try await harness.vault.store.webhookDeliveries(generationID: ids[0])
            if verdict == "rejected" {  // counted, never stored
                #expect(deliveries.isEmpty)
                await #expect(
                    try harness.vault.store.webhookRejections(generationID: ids[0]).map(\.reason)
                        == [WebhookRejection.signatureMismatch.rawValue])
            } else {
                #expect(!deliveries.isEmpty && deliveries.allSatisfy { $0.verdict == verdict || $0.verdict == "duplicate" })
                #expect(deliveries.first?.verdict == verdict)
            }
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func forgedDeliveriesNeverChangeState(_ backend: StoreBackend) async throws {
        var settings = Harness.simulatorSettings
        settings.runTime = .seconds(60)  // the generations stay in flight while they are attacked
        try await withHarness(simulator: settings, webhooks: true, backend: backend) { harness in
            let ids = try await submit(harness, 2, prompt: "target")
            let target = try await #require(try harness.vault.store.generation(id: ids[0]))
            let other = try await #require(try harness.vault.store.generation(id: ids[1]))
            let secret = try #require(target.webhookSecret)
            let body =
                #"{"exec_id":"\#(target.predictionID ?? "")","flow_id":null,"status":"succeeded","output":"http://127.0.0.1:1/x.mp4","error":""}"#
            let now = Int(Date().timeIntervalSince1970)
            func post(_ headers: [(name: String, value: String)], body: String = body, to id: String = ids[0]) async throws -> Int {
                try await harness.raw("POST", "/webhooks/eachlabs/\(id)", body: body, headers: headers).status
            }
            func signed(_ text: String, _ timestamp: Int, _ key: String) -> [(name: String, value: String)] {
                [
                    ("X-Webhook-Timestamp", String(timestamp)),
                    ("X-Webhook-Signature", WebhookSignature.header(body: Data(text.utf8), timestamp: timestamp, secret: key)),
                ]
            }
            #expect(try await post([]) == 401)  // no signature
            #expect(try await post(signed(body, now, "not-the-secret")) == 401)
            #expect(try await post(signed(body, now, secret), body: body.replacingOccurrences(of: "x.mp4", with: "y.mp4")) == 401)
            #expect(try await post(signed(body, now - 600, secret)) == 401)  // stale
            #expect(try await post(signed(body, now, try #require(other.webhookSecret))) == 401)  // another's key
            #expect(try await post([("X-Webhook-Secret", "guess")]) == 401)
            // An unknown id is answered exactly like a forged delivery: no oracle for which generations exist.
            let unknown = try await harness.raw(
                "POST", "/webhooks/eachlabs/gen_unknown", body: body,
                headers: signed(body, now, secret))
            let forged = try await harness.raw("POST", "/webhooks/eachlabs/\(ids[0])", body: body, headers: [])
            #expect(unknown.status == 401 && unknown.body == forged.body)
            let huge = String(repeating: "x", count: 300 * 1024)
            #expect(try await post(signed(huge, now, secret), body: huge) == 413)
            // Signed with the right secret but naming another prediction: kept for the provider to confirm, which it
            // does not (no such prediction), so nothing changes.
            let wrongPrediction = body.replacingOccurrences(of: target.predictionID ?? "", with: "pred-someone-else")
            #expect(try await post(signed(wrongPrediction, now, secret), body: wrongPrediction) == 200)
            try await eventually { try await harness.vault.store.nextExtraPredictionCheck() == nil }

            let unchanged = try await #require(try harness.vault.store.generationDetail(id: ids[0]))
            #expect(unchanged.generation.status == .submitted || unchanged.generation.status == .processing)
            #expect(unchanged.outputs.isEmpty)
            // Refusals are counted by reason, never stored with their bodies, never added to the history.
            await #expect(try harness.vault.store.webhookDeliveries(generationID: ids[0]).map(\.verdict) == ["confirm"])
            let counted = try await harness.vault.store.webhookRejections(generationID: ids[0])
            #expect(counted.map(\.count).reduce(0, +) == 7, "\(counted)")
            await #expect(try harness.vault.store.webhookRejections(generationID: AppDatabase.unknownGenerationKey).map(\.count) == [1])
            #expect(!unchanged.events.contains { $0.kind.contains("rejected") })
            await #expect(try harness.vault.store.search(GenerationQuery(teamID: harness.team.id)).hits.count == 2)

            // A genuine delivery is applied once; its repeat changes nothing and is still acknowledged.
            #expect(try await post(signed(body, now, secret)) == 200)
            #expect(try await post(signed(body, now, secret)) == 200)
            let applied = try await #require(try harness.vault.store.generationDetail(id: ids[0]))
            #expect(applied.outputs.count == 1)
            await #expect(try harness.vault.store.webhookDeliveries(generationID: ids[0]).suffix(2).map(\.verdict) == ["applied", "duplicate"])
        }
    }

    /// A create answered by a plain 500 had in fact started a prediction; the retry started a second. The first's
    /// signed webhook is confirmed with the provider's read and archived: no paid video is lost.
    @Test(arguments: StoreBackend.allCases)
    func aPredictionStartedByAFailedCreateIsConfirmedAndArchived(_ backend: StoreBackend) async throws {
        var settings = Harness.simulatorSettings
        settings.faults.startThenFailCreatesNext = 1
        // The retry (after 50 ms) must come before the first prediction's webhook: had the webhook come first, the
        // generation would simply adopt that prediction (no second create at all). A run of 3 s was once too short
        // for the retry in the whole suite's load.
        settings.runTime = .seconds(15)
        try await withHarness(simulator: settings, webhooks: true, backend: backend) { harness in
            let ids = try await submit(harness, 1, prompt: "billed twice")
            #expect(try await harness.waitUntilFinal(ids)[0].status == .completed)
            try await eventually {
                try await harness.vault.store.search(GenerationQuery(teamID: harness.team.id)).hits.count == 2
            }
            let all = try await harness.vault.store.search(GenerationQuery(teamID: harness.team.id)).hits.map(\.generation)
            let extra = try #require(all.first { $0.id != ids[0] })
            #expect(extra.prompt == "billed twice 0" && extra.teamID == harness.team.id)
            #expect(await harness.simulator.stats().creates == 2)
            let final = try await harness.waitUntilFinal([extra.id])[0]
            #expect(final.status == .completed)
            try await eventually { try await harness.vault.store.generationDetail(id: extra.id)?.outputs.first?.asset != nil }
            let original = try await #require(try harness.vault.store.generationDetail(id: ids[0]))
            #expect(original.events.contains { $0.kind == "extra_prediction" && ($0.detail ?? "").contains(extra.id) })
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aLostCreateAnswerIsReconciledFromTheWebhookNotResent(_ backend: StoreBackend) async throws {
        var settings = Harness.simulatorSettings
        settings.faults.loseCreatesNext = 1
        try await withHarness(simulator: settings, webhooks: true, backend: backend) { harness in
            let ids = try await submit(harness, 1, prompt: "lost answer")
            let finished = try await harness.waitUntilFinal(ids)
            #expect(finished[0].status == .completed)
            let events = try await #require(try harness.vault.store.generationDetail(id: ids[0])).events.map(\.kind)
            #expect(events.contains("create_uncertain") && events.contains("reconciled"))
            #expect(await harness.simulator.stats().creates == 1)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aLostCreateAnswerIsReconciledFromTheWebhookLogWhenTheWebhookIsLost(_ backend: StoreBackend) async throws {
        var settings = Harness.simulatorSettings
        settings.faults.loseCreatesNext = 1
        settings.faults.webhookDrop = 1
        try await withHarness(simulator: settings, webhooks: true, backend: backend) { harness in
            let ids = try await submit(harness, 1, prompt: "lost twice")
            let finished = try await harness.waitUntilFinal(ids)
            #expect(finished[0].status == .completed)
            let detail = try await #require(try harness.vault.store.generationDetail(id: ids[0]))
            #expect(detail.events.contains { $0.kind == "reconciled" && ($0.detail ?? "").contains("webhook log") })
            let stats = await harness.simulator.stats()
            #expect(stats.creates == 1 && stats.webhookLogReads >= 1)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func withoutWebhooksALostCreateEndsUncertainAndIsNotResent(_ backend: StoreBackend) async throws {
        var settings = Harness.simulatorSettings
        settings.faults.loseCreatesNext = 1
        try await withHarness(simulator: settings, backend: backend) { harness in
            let created = try await harness.client.createGeneration(
                GenerationRequest(
                    model: "pixverse-v5-6-text-to-video", input: ["prompt": "no webhooks"]))
            _ = try await harness.waitUntilFinal([created.id])
            let generation = try await harness.client.generation(id: created.id)
            #expect(generation.status == .failed)
            #expect(generation.error?.code == "submit_uncertain")
            #expect(await harness.simulator.stats().creates == 1)
        }
    }
}
