import Foundation
import Simulator
import Storage
import TestSupport
import Testing
import VaultContract
import Workers

/// A create cut off before the provider started anything (the connection dropped): EachVault cannot tell it from a
/// lost answer, says so on the generation at once, and, with no trace of a prediction once the model would have
/// finished, sends it again (the default) or waits (`EACHVAULT_UNCERTAIN_CREATES=wait`) until the team resends it.
@Suite(.timeLimit(.minutes(5))) struct UncertainCreateTests {
    private static var droppingTheFirstCreate: SimulatorSettings {
        var settings = Harness.simulatorSettings
        settings.faults.dropCreatesNext = 1
        return settings
    }

    private let request = GenerationRequest(model: "pixverse-v5-6-text-to-video", input: ["prompt": "cut off at once"])

    @Test(arguments: StoreBackend.allCases)
    func aCreateWithNoTraceIsSentAgainOnceTheModelWouldHaveFinished(_ backend: StoreBackend) async throws {
        try await withHarness(simulator: Self.droppingTheFirstCreate, webhooks: true, backend: backend) { harness in
            let created = try await harness.client.createGeneration(request)
            // Said at once: the generation shows its create may not have arrived (read once: the resend may follow
            // soon after).
            var shown: GenerationView?
            try await eventually {
                shown = try await harness.client.generation(id: created.id)
                return shown?.createUncertain != nil
            }
            #expect(shown?.status == .pending && shown?.createUncertain?.message.contains("/resend") == true)
            let finished = try await harness.waitUntilFinal([created.id], timeout: .seconds(90))
            #expect(finished[0].status == .completed)
            let events = try #require(try await harness.vault.store.generationDetail(id: created.id)).events.map(\.kind)
            #expect(events.contains("create_uncertain") && events.contains("create_resent"), "\(events)")
            #expect(await harness.simulator.stats().creates == 1, "the dropped create started nothing")
            #expect(try await harness.client.generation(id: created.id).createUncertain == nil)
        }
    }

    @Test func waitingKeepsLookingUntilTheTeamSendsItAgain() async throws {
        var workers = Harness.testSettings
        workers.uncertainCreates = .wait
        try await withHarness(simulator: Self.droppingTheFirstCreate, workers: workers, webhooks: true) { harness in
            let created = try await harness.client.createGeneration(request)
            try await eventually { try await harness.client.generation(id: created.id).createUncertain != nil }
            // Well past the model's run time and the grace: still waiting, nothing sent again.
            let patience = harness.settings.assumedRunTime + harness.settings.webhookGrace * 2
            try await Task.sleep(for: patience + .seconds(2))  // a span of time is what is tested here
            #expect(try await harness.client.generation(id: created.id).status == .pending)
            #expect(await harness.simulator.stats().creates == 0)

            // The gallery says so and offers to send it again; its button does it.
            let (cookie, csrf) = try await harness.signIn()
            let page = try await harness.raw("GET", "/g/\(created.id)", headers: [cookie], token: .some(nil))
            #expect(page.body.contains("data-create-uncertain") && page.body.contains("/g/\(created.id)/resend"))
            let resent = try await harness.raw(
                "POST", "/g/\(created.id)/resend", body: "csrf=\(csrf)",
                headers: [cookie, ("Content-Type", "application/x-www-form-urlencoded")], token: .some(nil))
            #expect(resent.status == 200 && !resent.body.contains("data-create-uncertain"), "\(resent.status)")
            let finished = try await harness.waitUntilFinal([created.id], timeout: .seconds(60))
            #expect(finished[0].status == .completed)
            #expect(await harness.simulator.stats().creates == 1)
            // Only an uncertain create can be sent again (the API says why); another team's generation is not there.
            let again = try await harness.raw("POST", "/v1/generations/\(created.id)/resend")
            #expect(again.status == 409 && again.body.contains("not_uncertain"))
            let (_, otherToken, _) = try await harness.makeTeam("team-b")
            #expect(try await harness.raw("POST", "/v1/generations/\(created.id)/resend", token: .some(otherToken)).status == 404)
        }
    }
}
