import Foundation
import Storage
import Testing

/// Team budgets in the store, the same on SQLite and on PostgreSQL: limits set and cleared, a month's committed
/// spend (reported costs, estimates of running generations, deleted ones kept), a create refused in the transaction
/// that would record it, and files postponed without an attempt.
@Suite(.timeLimit(.minutes(5))) struct BudgetStoreTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    private func generation(_ id: String, team: String, estimate: Double?, prompt: String = "a fox") -> Generation {
        var generation = Generation(
            id: id, teamID: team, model: "m", version: "1", input: ["prompt": .string(prompt)], tags: [],
            requestKey: "key-\(prompt)", now: start)
        generation.estimatedCostUSD = estimate
        return generation
    }

    @Test(arguments: StoreBackend.allCases)
    func limitsAreSetKeptAndCleared(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let team = try await store.createTeam(name: "a", now: start)
            #expect(try await store.team(id: team.id)?.budgetUSD == nil)
            let set = try await store.setTeamLimits(name: "a", budgetUSD: 50, storageLimitBytes: 1000)
            #expect(set?.budgetUSD == 50 && set?.storageLimitBytes == 1000)
            let kept = try await store.setTeamLimits(name: "a", budgetUSD: .some(nil), storageLimitBytes: nil)
            #expect(kept?.budgetUSD == nil && kept?.storageLimitBytes == 1000, "a limit not given is kept")
            #expect(try await store.setTeamLimits(name: "nobody", budgetUSD: 1, storageLimitBytes: nil) == nil)
            #expect(try await store.teams().map(\.name) == ["a"])
            #expect(try await store.team(id: team.id)?.storageLimitBytes == 1000)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aMonthsSpendCountsCostsEstimatesAndDeletedGenerations(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let team = try await store.createTeam(name: "a", now: start).id
            let other = try await store.createTeam(name: "b", now: start).id
            _ = try await store.insertGeneration(generation("running", team: team, estimate: 0.4, prompt: "1"), inputs: [])
            _ = try await store.insertGeneration(generation("done", team: team, estimate: 0.4, prompt: "2"), inputs: [])
            _ = try await store.insertGeneration(generation("failed", team: team, estimate: 0.4, prompt: "3"), inputs: [])
            _ = try await store.insertGeneration(generation("theirs", team: other, estimate: 9, prompt: "4"), inputs: [])
            try await store.recordSubmitted(id: "done", predictionID: "p_done", now: start, firstPollAt: start)
            try await store.recordPoll(
                id: "done", outcome: .succeeded(outputURLs: ["https://cdn.example.com/o.mp4"], costUSD: 0.25, predictTime: 3),
                now: start)
            try await store.failGeneration(id: "failed", code: "x", message: "x", now: start)
            // 0.4 (running, its estimate) + 0.25 (done, its cost) + 0 (failed, no cost reported).
            #expect(abs(try await store.monthSpend(teamID: team, since: start) - 0.65) < 1e-9)
            #expect(try await store.monthSpend(teamID: team, since: start.addingTimeInterval(1)) == 0)
            #expect(try await store.deleteGeneration(id: "done", teamID: team, now: start))
            #expect(abs(try await store.monthSpend(teamID: team, since: start) - 0.65) < 1e-9, "deleting gives nothing back")
            let byTeam = try await store.spendByTeam(since: start)
            #expect(abs((byTeam["a"] ?? 0) - 0.65) < 1e-9 && byTeam["b"] == 9)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aCreatePastTheBudgetIsRefusedWhereItWouldBeRecorded(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let team = try await store.createTeam(name: "a", now: start).id
            let budget = SpendBudget(limitUSD: 1.0, monthStart: start)
            let first = generation("g1", team: team, estimate: 0.6, prompt: "1")
            _ = try await store.insertGeneration(first, inputs: [], deduplicating: true, budget: budget, now: start)
            // Exactly on the limit is allowed (0.6 + 0.4); past it is not, and nothing is recorded.
            let exact = generation("g2", team: team, estimate: 0.4, prompt: "2")
            _ = try await store.insertGeneration(exact, inputs: [], deduplicating: true, budget: budget, now: start)
            await #expect(throws: BudgetExceeded.self) {
                _ = try await store.insertGeneration(
                    generation("g3", team: team, estimate: 0.01, prompt: "3"), inputs: [], deduplicating: true,
                    budget: budget, now: start)
            }
            #expect(try await store.generation(id: "g3") == nil)
            // A spent budget refuses unpriced models too; an identical earlier request still answers, costing nothing.
            await #expect(throws: BudgetExceeded.self) {
                _ = try await store.insertGeneration(
                    generation("g4", team: team, estimate: nil, prompt: "4"), inputs: [], deduplicating: true,
                    budget: budget, now: start)
            }
            let again = try await store.insertGeneration(
                generation("g5", team: team, estimate: 0.6, prompt: "1"), inputs: [], deduplicating: true, budget: budget,
                now: start)
            #expect(again.deduplicated && again.generation.id == "g1")
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aPostponedFileWaitsWithoutAnAttempt(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let team = try await store.createTeam(name: "a", now: start).id
            _ = try await store.insertGeneration(generation("g1", team: team, estimate: nil), inputs: [])
            try await store.recordSubmitted(id: "g1", predictionID: "p1", now: start, firstPollAt: start)
            try await store.recordPoll(
                id: "g1", outcome: .succeeded(outputURLs: ["https://cdn.example.com/o.mp4"], costUSD: nil, predictTime: nil),
                now: start)
            let file = try #require(try await store.dueFiles(.output, now: start.addingTimeInterval(1), limit: 10).first)
            try await store.postponeFile(file, until: start.addingTimeInterval(60), reason: "storage limit")
            #expect(try await store.dueFiles(.output, now: start.addingTimeInterval(59), limit: 10).isEmpty)
            let again = try #require(try await store.dueFiles(.output, now: start.addingTimeInterval(60), limit: 10).first)
            #expect(again.attempts == 0)
            let detail = try #require(try await store.generationDetail(id: "g1", teamID: team))
            #expect(detail.outputs.first?.output.lastError == "storage limit")
        }
    }
}
