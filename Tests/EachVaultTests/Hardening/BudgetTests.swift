import Foundation
import TestSupport
import Testing
import VaultAPIClient
import VaultContract
import VaultRuntime
import Workers

/// Team budgets end to end: the operator sets them over HTTP, a create past the month's budget is a 402 before the
/// provider is called, a team whose files fill its storage limit gets 507s and its downloads wait (costing no
/// attempt) until the limit is raised; `GET /v1/team` says where the team stands.
@Suite(.timeLimit(.minutes(5))) struct BudgetTests {
    static let operatorToken = "operator-token-for-tests"
    static let model = "kling-v2-6-pro-text-to-video"

    private func limits(_ harness: Harness, _ body: String, token: String? = operatorToken) async throws -> (status: Int, body: String) {
        let answer = try await harness.raw(
            "PATCH", "/admin/teams/team-a", body: body, token: .some(token))
        return (answer.status, answer.body)
    }

    private func request(_ prompt: String) -> GenerationRequest {
        GenerationRequest(model: Self.model, input: ["prompt": .string(prompt), "duration": "5"])
    }

    @Test func aCreatePastTheMonthsBudgetIsRefusedBeforeTheProviderIsCalled() async throws {
        try await withHarness(configure: { $0.operatorToken = Self.operatorToken }) { harness in
            // Only the operator's token opens the operator's routes; their errors are JSON like the API's.
            let anonymous = try await limits(harness, #"{"budget_usd": 1}"#, token: nil)
            #expect(anonymous.status == 401 && anonymous.body.contains(#""code":"unauthenticated""#), "\(anonymous.body)")
            #expect(try await limits(harness, #"{"budget_usd": 1}"#, token: harness.token).status == 401)
            let invalid = try await limits(harness, #"{"budget_usd": -3}"#)
            #expect(invalid.status == 422 && invalid.body.contains("budget_usd"), "\(invalid.body)")

            let estimate = try #require(try await harness.client.planGeneration(request("a fox")).costEstimate.usd)
            #expect(estimate > 0)
            let set = try await limits(harness, #"{"budget_usd": \#(estimate * 1.5)}"#)
            #expect(set.status == 200 && set.body.contains(#""budget_spent":false"#), "\(set.body)")

            let first = try await harness.client.createGeneration(request("a fox"))
            let refused = try await harness.raw(
                "POST", "/v1/generations", body: #"{"model": "\#(Self.model)", "input": {"prompt": "a wolf", "duration": "5"}}"#)
            #expect(refused.status == 402 && refused.body.contains(#""code":"budget_exceeded""#), "\(refused.body)")
            #expect(refused.body.contains("renews on"))
            // The identical request still answers with the first generation, at no cost.
            let again = try await harness.client.createGeneration(request("a fox"))
            #expect(again.id == first.id)
            _ = try await harness.waitUntilFinal([first.id])
            #expect(await harness.simulator.stats().creates == 1, "the refused create never reached the provider")

            let status = try await harness.client.team()
            #expect(status.team == "team-a" && status.budgetUSD == estimate * 1.5 && status.spentUSD > 0)
            let everyone = try await harness.raw("GET", "/admin/teams", token: .some(Self.operatorToken))
            #expect(everyone.status == 200 && everyone.body.contains(#""team":"team-a""#), "\(everyone.body)")

            // Without a budget the same create goes through.
            #expect(try await limits(harness, #"{"budget_usd": null}"#).status == 200)
            _ = try await harness.client.createGeneration(request("a wolf"))
        }
    }

    @Test func aTeamOverItsStorageLimitGetsNoNewCreatesAndItsDownloadsWait() async throws {
        var settings = Harness.testSettings
        settings.storageRecount = .seconds(2)  // how long waiting downloads wait before they look again
        settings.concurrentDownloads = 1  // one download at a time: the second sees the first's bytes
        try await withHarness(workers: settings, configure: { $0.operatorToken = Self.operatorToken }) { harness in
            #expect(try await limits(harness, #"{"storage_limit_bytes": 1}"#).status == 200)
            // Both recorded while the team's files take 0 bytes; the first stored fills the limit.
            let first = try await harness.client.createGeneration(request("a heron"))
            let second = try await harness.client.createGeneration(request("an egret"))
            let store = harness.vault.store
            try await eventually(timeout: .seconds(60)) {
                let details = try await store.generationDetails([first.id, second.id].asyncMap { try await store.generation(id: $0)! })
                return details.contains { $0.generation.status == .completed }
                    && details.contains { $0.outputs.first?.output.lastError?.contains("storage limit") == true }
            }
            let details = try await store.generationDetails([first.id, second.id].asyncMap { try await store.generation(id: $0)! })
            let waiting = details.first { $0.generation.status == .downloading }?.generation
            let full = try await harness.client.team()
            #expect(full.storageFull && full.storageBytes > 1)
            let refused = try await harness.raw(
                "POST", "/v1/generations", body: #"{"model": "\#(Self.model)", "input": {"prompt": "a crane", "duration": "5"}}"#)
            #expect(refused.status == 507 && refused.body.contains(#""code":"storage_limit_reached""#), "\(refused.body)")

            // Raised, the waiting download goes on by itself, on its first attempt.
            #expect(try await limits(harness, #"{"storage_limit_bytes": null}"#).status == 200)
            let done = try await harness.waitUntilFinal([try #require(waiting).id])
            #expect(done.first?.status == .completed)
            let stored = try await store.generationDetail(id: try #require(waiting).id, teamID: nil)
            #expect(stored?.outputs.first?.output.attempts == 1, "waiting cost the file no attempt")
        }
    }

    @Test func anUploadCountsTowardTheStorageLimitAtOnce() async throws {
        var settings = Harness.testSettings
        settings.storageRecount = .seconds(600)  // the cached count would otherwise stand for ten minutes
        try await withHarness(workers: settings, configure: { $0.operatorToken = Self.operatorToken }) { harness in
            #expect(try await limits(harness, #"{"storage_limit_bytes": 16}"#).status == 200)
            #expect(try await harness.client.team().storageBytes == 0)  // counted, and cached
            let file = harness.home.url.appending(path: "notes.txt")
            try Data(repeating: 0x61, count: 64).write(to: file)
            _ = try await harness.client.upload(file: file)
            #expect(try await harness.client.team().storageFull)
            let refused = try await harness.raw(
                "POST", "/v1/generations", body: #"{"model": "\#(Self.model)", "input": {"prompt": "a crane", "duration": "5"}}"#)
            #expect(refused.status == 507, "\(refused.body)")
        }
    }

}
