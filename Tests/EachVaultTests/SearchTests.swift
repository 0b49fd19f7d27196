@testable import Storage
import EachLabs
import Foundation
import GRDB
@testable import StoreSQLite
import TestSupport
import Testing

@Suite(.timeLimit(.minutes(5))) struct SearchTests {
    let database: AppDatabase

    init() async throws {
        database = try AppDatabase.inMemory()
        try await database.saveModels(try Fixtures.catalogue, now: Date())
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let rows: [(String, String, [String], String?)] = [
            ("kling-v2-6-pro-text-to-video", "A red fox running through deep snow", ["wildlife"], nil),
            ("kling-v2-6-pro-text-to-video", "Snowy mountains at sunrise, drone shot", ["landscape"], nil),
            ("pixverse-v5-6-image-to-video", "The fox turns its head and blinks", ["wildlife", "closeup"], "blurry"),
            ("pixverse-v5-6-transition", "Morph from a city street to a forest", ["transition"], nil),
            ("pixverse-v5-6-text-to-video", "Neon cyberpunk alley in the rain", [], "fox"),
        ]
        for (index, row) in rows.enumerated() {
            var input: [String: JSONValue] = ["prompt": .string(row.1)]
            if let negative = row.3 { input["negative_prompt"] = .string(negative) }
            _ = try await database.insertGeneration(
                Generation(
                    id: "gen_\(index)", model: row.0, version: "0.0.1", input: input, tags: row.2,
                    now: now.addingTimeInterval(Double(index))))
        }
    }

    private func ids(_ query: GenerationQuery) async throws -> [String] {
        try await database.searchGenerations(query).map(\.id)
    }

    @Test(arguments: [
        "fox", #""red fox" -snow"#, "NEAR(a b)", "a* OR b:c", #"""#, "-", "\"unclosed phrase", "AND", "ü 漢字 👀",
        "((((", "col:fox ^start", "-only -exclusions", "a\u{0}b",
    ])
    func everyPatternFromTypedTextIsOneFTS5Accepts(text: String) {
        let expansions: [(String) -> [String]?] = [{ _ in nil }, { [$0] }, { [$0, $0 + "s", $0 + "9"] }]
        for anyWord in [false, true] {
            for wholeTerms in expansions {
                if let pattern = SearchPattern.make(text, anyWord: anyWord, wholeTerms: wholeTerms) {
                    #expect(SearchPattern.isValid(pattern), "\(pattern)")
                }
            }
        }
        #expect(!SearchPattern.isValid("AND"), "the check itself refuses FTS5 syntax errors")
    }

    @Test func matchesWordsAndPrefixesBestFirst() async throws {
        // The prompt outweighs the negative prompt: gen_4 mentions "fox" only as something to avoid.
        #expect(try await ids(GenerationQuery(text: "fox")) == ["gen_2", "gen_0", "gen_4"])
        #expect(Set(try await ids(GenerationQuery(text: "sno"))) == ["gen_0", "gen_1"])
        #expect(try await ids(GenerationQuery(text: "red fox snow")) == ["gen_0"])
    }

    @Test func searchesModelTitlesAndTags() async throws {
        #expect(Set(try await ids(GenerationQuery(text: "wildlife"))) == ["gen_0", "gen_2"])
        #expect(try await ids(GenerationQuery(text: "transition")) == ["gen_3"])
        #expect(Set(try await ids(GenerationQuery(text: "kling"))) == ["gen_0", "gen_1"])
    }

    @Test func filtersCombineWithText() async throws {
        #expect(try await ids(GenerationQuery(text: "fox", model: "pixverse-v5-6-image-to-video")) == ["gen_2"])
        #expect(try await ids(GenerationQuery(model: "kling-v2-6-pro-text-to-video")) == ["gen_1", "gen_0"])
        #expect(try await ids(GenerationQuery(status: .pending, limit: 2)) == ["gen_4", "gen_3"])
        #expect(try await ids(GenerationQuery(status: .completed)).isEmpty)
    }

    @Test(arguments: [
        "\"", "*", "fox\"", "AND", "OR (", "NEAR(fox", "-fox", "fox:*", "'; DROP TABLE generations; --",
        "^", "prompt:fox", "{}", "   ", "🦊",
    ])
    func hostileQueriesNeverFail(query: String) async throws {
        _ = try await database.searchGenerations(GenerationQuery(text: query))
    }

    @Test func theIndexFollowsTagChanges() async throws {
        try await database.writer.write { db in
            try db.execute(sql: "UPDATE generations SET tags = '[\"archived\"]' WHERE id = 'gen_3'")
        }
        #expect(try await ids(GenerationQuery(text: "archived")) == ["gen_3"])
        #expect(try await ids(GenerationQuery(text: "transition")) == ["gen_3"])  // the model slug still matches
    }

    @Test func aPrefixFindsEveryTermItCoversWhetherFewOrMany() async throws {
        // "ligh" covers four terms (matched as their union); "zq" covers twenty (more than are expanded: kept a
        // prefix); both must find the same rows a prefix does, and a word in no prompt finds nothing.
        let few = ["light", "lighthouse", "lightning", "lights"]
        let many = (0..<20).map { "zq\($0)x" }
        for (index, word) in (few + many).enumerated() {
            _ = try await database.insertGeneration(
                Generation(
                    id: "gen_w\(index)", model: "kling-v2-6-pro-text-to-video", version: "0.0.1",
                    input: ["prompt": .string("a \(word) at night")], tags: [],
                    now: Date(timeIntervalSince1970: 1_800_000_100 + Double(index))))
        }
        #expect(Set(try await ids(GenerationQuery(text: "ligh"))) == Set((0..<4).map { "gen_w\($0)" }))
        #expect(Set(try await ids(GenerationQuery(text: "lighth night"))) == ["gen_w1"])
        #expect(Set(try await ids(GenerationQuery(text: "zq", limit: 100))) == Set((4..<24).map { "gen_w\($0)" }))
        #expect(Set(try await ids(GenerationQuery(text: "zq1", limit: 100))).count == 11, "zq1x and zq10x…zq19x")
        #expect(try await ids(GenerationQuery(text: "lighz")).isEmpty)
        let covered = try await database.writer.read { db in database.vocabulary.terms(coveredBy: "ligh", db) }
        #expect(covered?.map(\.term) == few && covered?.map(\.documents) == [1, 1, 1, 1], "terms and their rows")
        await #expect(try database.writer.read { db in database.vocabulary.terms(coveredBy: "zq", db) } == nil, "too many")
        // A new word under a remembered prefix is found at once: writing searchable text forgets the vocabulary.
        _ = try await database.insertGeneration(
            Generation(
                id: "gen_new_word", model: "kling-v2-6-pro-text-to-video", version: "0.0.1",
                input: ["prompt": .string("a lightsaber duel")], tags: [], now: Date(timeIntervalSince1970: 1_800_000_150)))
        #expect(Set(try await ids(GenerationQuery(text: "ligh"))) == Set((0..<4).map { "gen_w\($0)" } + ["gen_new_word"]))
        try await database.writer.write { db in
            try db.execute(sql: "UPDATE generations SET note = 'lightweight' WHERE id = 'gen_w4'")
        }
        #expect(try await ids(GenerationQuery(text: "lightw")) == ["gen_w4"], "a changed note, through SQL too")
    }

    @Test func theTeamAndModelFacetsAreNotSearchableText() async throws {
        let team = try await database.createTeam(name: "facets", now: Date()).id
        _ = try await database.insertGeneration(
            Generation(
                id: "gen_team", teamID: team, model: "kling-v2-6-pro-text-to-video", version: "0.0.1",
                input: ["prompt": .string("a heron")], tags: [], now: Date(timeIntervalSince1970: 1_800_000_200)))
        // What the index holds for the team and the model, typed as words, matches nothing.
        for token in [SearchPattern.facet("t", team), SearchPattern.facet("m", "kling-v2-6-pro-text-to-video")] {
            #expect(try await ids(GenerationQuery(text: token)).isEmpty, "\(token)")
        }
        #expect(try await ids(GenerationQuery(teamID: team, text: "heron", model: "kling-v2-6-pro-text-to-video")) == ["gen_team"])
        #expect(try await ids(GenerationQuery(teamID: team, text: "heron", model: "pixverse-v5-6-text-to-video")).isEmpty)
        #expect(try await ids(GenerationQuery(teamID: "team_other", text: "heron")).isEmpty)
    }

    @Test func aSmallTeamsMatchesAmongABigTeamsAreFoundWindowByWindow() async throws {
        // The small team's token is on few rows, so it is intersected inside the index; every window still holds
        // only that team's rows, newest first, and every match comes once.
        let small = try await database.createTeam(name: "small", now: Date()).id
        let big = try await database.createTeam(name: "big", now: Date()).id
        for index in 0..<240 {
            let team = index % 24 == 0 ? small : big
            _ = try await database.insertGeneration(
                Generation(
                    id: String(format: "gen_h%03d", index), teamID: team,
                    model: index % 2 == 0 ? "kling-v2-6-pro-text-to-video" : "pixverse-v5-6-text-to-video", version: "0.0.1",
                    input: ["prompt": .string("a heron \(index % 3 == 0 ? "heron " : "")at dawn")], tags: [],
                    now: Date(timeIntervalSince1970: 1_800_001_000 + Double(index))))
        }
        let smallRows: [Int] = (0..<240).filter { $0 % 24 == 0 }
        let bigPixverseRows: [Int] = (0..<240).filter { $0 % 24 != 0 && $0 % 2 == 1 }
        let cases: [(String, String?, [Int])] = [(small, nil, smallRows), (big, "pixverse-v5-6-text-to-video", bigPixverseRows)]
        for (team, model, expected) in cases {
            var query = GenerationQuery(teamID: team, text: "heron", model: model, limit: 3)
            query.rankingWindow = 4
            var found: [String] = []
            repeat {
                let page = try await database.search(query)
                found += page.hits.map { $0.generation.id }
                query.cursor = page.nextCursor
            } while query.cursor != nil
            #expect(found.count == expected.count && Set(found) == Set(expected.map { String(format: "gen_h%03d", $0) }))
        }
    }

    @Test func theRankingFunctionScoresAsBM25WhenItKnowsEachPhrasesRows() async throws {
        for (index, prompt) in ["owl owl owl in a long quiet forest", "an owl", "a heron and an owl", "heron"].enumerated() {
            _ = try await database.insertGeneration(
                Generation(
                    id: "gen_r\(index)", model: "kling-v2-6-pro-text-to-video", version: "0.0.1",
                    input: ["prompt": .string(prompt)], tags: [], now: Date(timeIntervalSince1970: 1_800_000_300 + Double(index))))
        }
        let rows = try database.writer.read { db in
            let counts = try ["owl", "heron"].map {
                try Int.fetchOne(db, sql: "SELECT doc FROM generation_search_terms WHERE term = ?", arguments: [$0]) ?? 0
            }
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT bm25(generation_search, 10.0, 1.0, 4.0, 4.0, 6.0, 3.0, 0.0) AS expected,
                           vault_rank(generation_search, ?, ?) AS actual
                    FROM generation_search WHERE generation_search MATCH '"owl" OR "heron"'
                    """,
                arguments: [AppDatabase.columnWeights, counts.map(String.init).joined(separator: ",")])
        }
        #expect(rows.count == 4)
        for row in rows {
            let expected: Double = row["expected"]
            let actual: Double = row["actual"]
            #expect(abs(expected - actual) < 1e-9 * max(1, abs(expected)), "bm25 \(expected), vault_rank \(actual)")
        }
    }
}
