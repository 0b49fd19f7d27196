@testable import Storage
import EachLabs
import Foundation
@testable import StoreSQLite
import TestSupport
import Testing
import VaultRuntime
import Workers

/// One team must not be able to starve the others, nor make the service spend provider calls or downloads on
/// requests that are refused.
@Suite(.timeLimit(.minutes(5))) struct ExhaustionTests {
    @Test func refusedRequestsCostNoProviderCallAndNoSearch() async throws {
        try await withHarness { harness in
            try await eventually { try await !harness.client.models().isEmpty }  // the catalogue synced at start
            let slug = "no-such-model-\(UUID().uuidString.prefix(8))"
            for _ in 0..<5 {
                let answer = try await harness.raw(
                    "POST", "/v1/generations",
                    body: #"{"model": "\#(slug)", "input": {"prompt": "x"}}"#)
                #expect(answer.status == 404)
            }
            #expect(await harness.simulator.stats().modelReads == 0, "a slug the synced catalogue lacks costs no call")
            let weird = try await harness.raw("POST", "/v1/generations", body: #"{"model": "model~with~tildes", "input": {}}"#)
            #expect(weird.status == 404)
            #expect(await harness.simulator.stats().modelReads == 0, "an implausible slug costs no call at all")

            let words = Array(repeating: "dragon", count: 40_000).joined(separator: " ")
            let plan = try await harness.raw(
                "POST", "/v1/generations?dry_run=1",
                body: #"{"model": "pixverse-v5-6-text-to-video", "input": {"prompt": "\#(words)"}}"#)
            #expect(plan.status == 200 && plan.body.contains(#""valid":false"#) && plan.body.contains("at most 20000 bytes"))

            let urls = (0..<3000).map { "\"https://example.com/\($0).png\"" }.joined(separator: ",")
            let many = try await harness.raw(
                "POST", "/v1/generations",
                body: """
                    {"model": "kling-o1-reference-image-to-video", "input": {"prompt": "x", "image_urls": [\(urls)]}}
                    """)
            #expect(many.status == 422 && many.body.contains("at most 16 items"), "\(many.body.prefix(300))")
            #expect(await harness.simulator.stats().creates == 0)
        }
    }

    private static func generation(_ id: String, team: String, predictionID: String?, at: Date) -> Generation {
        var generation = Generation(id: id, teamID: team, model: "m", version: "1", input: [:], tags: [], now: at)
        generation.predictionID = predictionID
        generation.status = predictionID == nil ? .pending : .submitted
        return generation
    }

    @Test func inputsAreFetchedOnlyForAcceptedRequestsAndTeamsTakeTurns() async throws {
        let database = try AppDatabase.inMemory()
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        for team in ["team_a", "team_b"] { _ = try await database.createTeam(name: team, now: start) }
        let teams = try await ["team_a", "team_b"].asyncMap { name -> String in try #require(try await database.team(named: name)).id }
        func input(_ generationID: String, _ position: Int, at: Date) -> GenerationInput {
            GenerationInput(
                generationID: generationID, field: "image_urls", position: position,
                sourceURL: "https://example.com/\(position).png", sha256: nil, nextAttemptAt: at)
        }
        // Team A: one accepted request with 50 inputs, due first. Team B: one accepted input due later, and one
        // refused request (no prediction) whose input is never fetched.
        _ = try await database.insertGeneration(
            Self.generation("gen_a", team: teams[0], predictionID: "p_a", at: start),
            inputs: (0..<50).map { input("gen_a", $0, at: start) })
        _ = try await database.insertGeneration(
            Self.generation("gen_b", team: teams[1], predictionID: "p_b", at: start),
            inputs: [input("gen_b", 0, at: start.addingTimeInterval(10))])
        _ = try await database.insertGeneration(
            Self.generation("gen_r", team: teams[1], predictionID: nil, at: start),
            inputs: [input("gen_r", 0, at: start)])
        let due = try await database.dueFiles(.input, now: start.addingTimeInterval(60), limit: 2)
        #expect(Set(due.map(\.generationID)) == ["gen_a", "gen_b"])
        await #expect(try database.dueFiles(.input, now: start.addingTimeInterval(60), limit: 100).count == 51)
        await #expect(try database.nextFileTime(.input) == start)
    }
}
