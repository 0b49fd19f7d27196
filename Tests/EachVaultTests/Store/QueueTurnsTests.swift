import Foundation
import Storage
import Testing

/// Every work queue gives each team a turn, on SQLite and on PostgreSQL alike (one `QueueRule` per queue): team A's
/// backlog is due first and is far longer, yet team B's one row is among the first two any worker is given.
@Suite(.timeLimit(.minutes(5))) struct QueueTurnsTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    private func generation(_ id: String, team: String, at offset: Double) -> Generation {
        Generation(
            id: id, teamID: team, model: "m", version: "1", input: ["prompt": "a fox"], tags: [],
            now: start.addingTimeInterval(offset))
    }

    private func image(_ index: Int, at offset: Double) -> Asset {
        Asset(
            sha256: String(format: "%064x", index), size: 10, contentType: "image/png", durationS: nil, width: 64,
            height: 64, videoCodec: nil, hasAudio: nil, storedAt: start.addingTimeInterval(offset))
    }

    @Test(arguments: StoreBackend.allCases)
    func everyQueueGivesEachTeamATurn(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let a = try await store.createTeam(name: "a", now: start).id
            let b = try await store.createTeam(name: "b", now: start).id
            let now = start.addingTimeInterval(600)

            for index in 0..<6 { _ = try await store.insertGeneration(generation("a_\(index)", team: a, at: Double(index)), inputs: []) }
            _ = try await store.insertGeneration(generation("b_0", team: b, at: 30), inputs: [])
            #expect(Set(try await store.dueSubmissions(now: now, limit: 2).map(\.id)) == ["a_0", "b_0"])

            for index in 0..<6 { try await store.recordLocalFile(image(index, at: Double(index)), teamID: a, now: start) }
            try await store.recordLocalFile(image(99, at: 30), teamID: b, now: start)
            let posters = try await store.dueDerivedFiles(now: now, limit: 2).map(\.source.sha256)
            #expect(Set(posters) == [image(0, at: 0).sha256, image(99, at: 0).sha256])

            // Outgoing webhooks: team A's endpoint has six messages waiting (one per failed generation), B's one.
            for (team, prefix) in [(a, "a"), (b, "b")] {
                _ = try await store.createEndpoint(
                    teamID: team, url: "https://\(prefix).example.com/hook", events: ["generation.failed"], limit: 10,
                    now: start)
            }
            for index in 0..<6 {
                try await store.failGeneration(id: "a_\(index)", code: "x", message: "x", now: start.addingTimeInterval(Double(index)))
            }
            try await store.failGeneration(id: "b_0", code: "x", message: "x", now: start.addingTimeInterval(30))
            let messages = try await store.dueMessages(now: now, limit: 2)
            #expect(Set(messages.map(\.teamID)) == [a, b], "\(messages.map(\.url))")
            #expect(messages.first { $0.teamID == b }?.url == "https://b.example.com/hook")
        }
    }
}
