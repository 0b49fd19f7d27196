import EachLabs
import Foundation
import Storage
import TestSupport
import Testing

/// Search and spend, the same on both databases: FTS5 on SQLite, `tsvector` on PostgreSQL.
@Suite(.timeLimit(.minutes(5))) struct StoreSearchTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15, 08:00 UTC

    /// Four generations of team "a" (and one of team "b"), completed, with costs.
    private func planted(_ store: any ArchiveStore) async throws -> (a: String, b: String) {
        let a = try await store.createTeam(name: "a", now: start).id
        let b = try await store.createTeam(name: "b", now: start).id
        let rows: [(String, String, String, [String], String?, Double)] = [
            ("gen_0", a, "A red fox running through deep snow", ["wildlife"], nil, 0.5),
            ("gen_1", a, "Snowy mountains at sunrise, drone shot", ["landscape"], nil, 0.25),
            ("gen_2", a, "The fox turns its head and blinks", ["wildlife", "closeup"], "blurry", 1),
            ("gen_3", a, "Neon cyberpunk alley in the rain", [], "fox", 0.125),
            ("gen_4", b, "A fox in another team", [], nil, 2),
        ]
        var entries: [ArchivedGeneration] = []
        for (index, row) in rows.enumerated() {
            var input: [String: JSONValue] = ["prompt": .string(row.2)]
            if let negative = row.4 { input["negative_prompt"] = .string(negative) }
            var generation = Generation(
                id: row.0, teamID: row.1, model: index < 2 ? "kling" : "pixverse", version: "1", input: input,
                tags: row.3, now: start.addingTimeInterval(Double(index) * 86400))
            generation.status = .completed
            generation.costUSD = row.5
            entries.append(ArchivedGeneration(generation: generation, outputs: []))
        }
        try await store.insertArchived(entries)
        return (a, b)
    }

    private func ids(_ store: any ArchiveStore, _ query: GenerationQuery) async throws -> [String] {
        try await store.search(query).hits.map(\.generation.id)
    }

    @Test(arguments: StoreBackend.allCases)
    func wordsPrefixesPhrasesAndExclusionsFindTheSameGenerations(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let (a, _) = try await planted(store)
            let fox = try await ids(store, GenerationQuery(teamID: a, text: "fox"))
            #expect(Set(fox) == ["gen_0", "gen_2", "gen_3"], "another team's fox stays out")
            #expect(fox.last == "gen_3", "a word only in the negative prompt ranks last")
            #expect(Set(try await ids(store, GenerationQuery(teamID: a, text: "sno"))) == ["gen_0", "gen_1"])
            #expect(try await ids(store, GenerationQuery(teamID: a, text: "\"red fox\"")) == ["gen_0"])
            #expect(try await ids(store, GenerationQuery(teamID: a, text: "\"fox red\"")).isEmpty)
            #expect(Set(try await ids(store, GenerationQuery(teamID: a, text: "fox -snow"))) == ["gen_2", "gen_3"])
            #expect(Set(try await ids(store, GenerationQuery(teamID: a, text: "wildlife"))) == ["gen_0", "gen_2"])
            #expect(Set(try await ids(store, GenerationQuery(teamID: a, text: "fox", model: "pixverse"))) == ["gen_2", "gen_3"])
            #expect(Set(try await ids(store, GenerationQuery(teamID: a, text: "snow drone", anyWord: true))) == ["gen_0", "gen_1"])
            for hostile in [
                "((( :* & ! ' \\\\", "\"", "-", "a:*|!b", "NEAR(fox", "'; DROP TABLE generations; --",
                // A combining mark that counts as a letter, alone after a NUL (found by the fuzzer).
                "a*\0\u{05B1}\u{FFFD}\u{027A}\u{FFFD}P",
                // A Prepend letter glues the quote after it into one Character (a 500 on both databases once).
                "fox\u{0D4E}\"", "fox\u{0D4E}'", "fox\u{0D4E}\\", "\"red \u{0D4E}\"fox\" snow", "-\u{0D4E}'x",
                "\u{0600}\"fox", "\u{110BD}'fox", "\"\u{0301}fox\"", "fox'\u{0301}",
            ] {
                _ = try await ids(store, GenerationQuery(teamID: a, text: hostile))
            }
            #expect(try await ids(store, GenerationQuery(teamID: a)) == ["gen_3", "gen_2", "gen_1", "gen_0"], "newest first")

            let hit = try #require(try await store.search(GenerationQuery(teamID: a, text: "\"red fox\"")).hits.first)
            let marked = hit.snippet?.segments.filter(\.isMatch).map { $0.text.lowercased() }
            #expect(marked?.joined(separator: " ").contains("fox") == true, "the snippet marks the match")

            // Page by page, every hit once.
            var query = GenerationQuery(teamID: a, text: "fox", limit: 1)
            var paged: [String] = []
            while true {
                let page = try await store.search(query)
                paged += page.hits.map(\.generation.id)
                guard let next = page.nextCursor else { break }
                query.cursor = next
            }
            #expect(paged == fox)
            var other = GenerationQuery(teamID: a, text: "snow", limit: 1)
            other.cursor = try await store.search(GenerationQuery(teamID: a, text: "fox", limit: 1)).nextCursor
            await #expect(throws: SearchError.invalidCursor) { try await store.search(other) }
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func spendAddsUpByModelDayAndTag(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let (a, _) = try await planted(store)
            let byModel = try await store.spend(teamID: a, groupBy: .model)
            #expect(byModel.rows.map(\.key) == ["pixverse", "kling"])
            #expect(byModel.rows.map(\.spentUSD) == [1.125, 0.75] && byModel.total.spentUSD == 1.875)
            #expect(byModel.total.generations == 4 && byModel.total.unknownCost == 0)
            let byDay = try await store.spend(teamID: a, groupBy: .day)
            #expect(byDay.rows.map(\.key) == ["2027-01-18", "2027-01-17", "2027-01-16", "2027-01-15"])
            let byTag = try await store.spend(teamID: a, groupBy: .tag)
            #expect(
                Dictionary(uniqueKeysWithValues: byTag.rows.map { ($0.key, $0.spentUSD) }) == [
                    "wildlife": 1.5, "closeup": 1, "landscape": 0.25, "(untagged)": 0.125,
                ])
            let window = try await store.spend(
                teamID: a, groupBy: .model, from: start.addingTimeInterval(86400), to: start.addingTimeInterval(3 * 86400))
            #expect(window.total.generations == 2 && window.total.spentUSD == 1.25)
        }
    }
}
