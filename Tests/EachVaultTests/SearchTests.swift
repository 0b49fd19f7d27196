@testable import Archive
import GRDB
import EachLabs
import Foundation
import Testing

@Suite struct SearchTests {
    let database: AppDatabase

    init() throws {
        database = try AppDatabase.inMemory()
        try database.saveModels(try Fixtures.catalogue, now: Date())
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
            _ = try database.insertGeneration(
                Generation(
                    id: "gen_\(index)", model: row.0, version: "0.0.1", input: input, tags: row.2,
                    now: now.addingTimeInterval(Double(index))))
        }
    }

    private func ids(_ query: GenerationQuery) throws -> [String] {
        try database.searchGenerations(query).map(\.id)
    }

    @Test(arguments: [
        "fox", #""red fox" -snow"#, "NEAR(a b)", "a* OR b:c", #"""#, "-", "\"unclosed phrase", "AND", "ü 漢字 👀",
        "((((", "col:fox ^start", "-only -exclusions", "a\u{0}b",
    ])
    func everyPatternFromTypedTextIsOneFTS5Accepts(text: String) {
        for anyWord in [false, true] {
            if let pattern = SearchPattern.make(text, anyWord: anyWord) {
                #expect(SearchPattern.isValid(pattern), "\(pattern)")
            }
        }
        #expect(!SearchPattern.isValid("AND"), "the check itself refuses FTS5 syntax errors")
    }

    @Test func matchesWordsAndPrefixesBestFirst() throws {
        // The prompt outweighs the negative prompt: gen_4 mentions "fox" only as something to avoid.
        #expect(try ids(GenerationQuery(text: "fox")) == ["gen_2", "gen_0", "gen_4"])
        #expect(Set(try ids(GenerationQuery(text: "sno"))) == ["gen_0", "gen_1"])
        #expect(try ids(GenerationQuery(text: "red fox snow")) == ["gen_0"])
    }

    @Test func searchesModelTitlesAndTags() throws {
        #expect(Set(try ids(GenerationQuery(text: "wildlife"))) == ["gen_0", "gen_2"])
        #expect(try ids(GenerationQuery(text: "transition")) == ["gen_3"])
        #expect(Set(try ids(GenerationQuery(text: "kling"))) == ["gen_0", "gen_1"])
    }

    @Test func filtersCombineWithText() throws {
        #expect(try ids(GenerationQuery(text: "fox", model: "pixverse-v5-6-image-to-video")) == ["gen_2"])
        #expect(try ids(GenerationQuery(model: "kling-v2-6-pro-text-to-video")) == ["gen_1", "gen_0"])
        #expect(try ids(GenerationQuery(status: .pending, limit: 2)) == ["gen_4", "gen_3"])
        #expect(try ids(GenerationQuery(status: .completed)).isEmpty)
    }

    @Test(arguments: [
        "\"", "*", "fox\"", "AND", "OR (", "NEAR(fox", "-fox", "fox:*", "'; DROP TABLE generations; --",
        "^", "prompt:fox", "{}", "   ", "🦊",
    ])
    func hostileQueriesNeverFail(query: String) throws {
        _ = try database.searchGenerations(GenerationQuery(text: query))
    }

    @Test func theIndexFollowsTagChanges() throws {
        try database.writer.write { db in
            try db.execute(sql: "UPDATE generations SET tags = '[\"archived\"]' WHERE id = 'gen_3'")
        }
        #expect(try ids(GenerationQuery(text: "archived")) == ["gen_3"])
        #expect(try ids(GenerationQuery(text: "transition")) == ["gen_3"])  // the model slug still matches
    }
}
