@testable import Storage
import EachLabs
import Foundation
import SearchCorpus
@testable import StoreSQLite
import TestSupport
import Testing
import VaultAPI

/// One 100,000-generation archive (plus a few planted rows) shared by the corpus tests.
private let corpus = SharedCorpus()

/// Built once, by the first test that asks; the others wait for that build.
private actor SharedCorpus {
    typealias Corpus = (database: AppDatabase, entries: [ArchivedGeneration], teams: [String])
    private var building: Task<Corpus, any Error>?

    func get() async throws -> Corpus {
        let building = self.building ?? Task { try await Self.build() }
        self.building = building
        return try await building.value
    }

    private static func build() async throws -> Corpus {
        let database = try AppDatabase.inMemory()
        let models = try Fixtures.catalogue.map { CatalogueModel($0, fetchedAt: Date()) }
        try await database.saveModels(try Fixtures.catalogue, now: Date())
        var teams: [String] = []
        for name in ["corpus-a", "corpus-b"] { teams.append(try await database.createTeam(name: name, now: Date()).id) }
        let generated = SearchCorpus(count: 100_000, models: models, teamIDs: teams)
        try await generated.insert(into: database)
        return (database, generated.entries, teams)
    }
}

/// A small database with one team, for tests that plant their own rows.
private func smallArchive() async throws -> (AppDatabase, String) {
    let database = try AppDatabase.inMemory()
    return await (database, try database.createTeam(name: "small", now: Date()).id)
}

@Suite(.timeLimit(.minutes(5))) struct SearchCorpusTests {
    let team: String
    let teams: [String]
    let database: AppDatabase
    let entries: [ArchivedGeneration]

    init() async throws {
        (database, entries, teams) = try await corpus.get()
        team = teams[0]
    }

    /// Every hit of `query`, page by page, checking that no page repeats an earlier hit.
    private func allPages(_ query: GenerationQuery) async throws -> [SearchHit] {
        var query = query
        var hits: [SearchHit] = []
        var seen = Set<String>()
        while true {
            let page = try await database.search(query)
            for hit in page.hits { #expect(seen.insert(hit.generation.id).inserted, "\(hit.generation.id) repeated") }
            hits += page.hits
            guard let next = page.nextCursor else { return hits }
            query.cursor = next
        }
    }

    @Test func theCorpusHoldsOneHundredThousandGenerations() async throws {
        #expect(entries.count == 100_000)
        await #expect(try database.search(GenerationQuery(limit: 1)).hits.count == 1)
    }

    @Test func filtersMatchABruteForceScanWhateverTheCombination() async throws {
        typealias Case = (String, (inout GenerationQuery) -> Void, (ArchivedGeneration) -> Bool)
        let image = SearchCorpus.inputImage(30)
        let model = entries[3].generation.model
        let cases: [Case] = [
            (
                "model + status",
                {
                    $0.model = model; $0.status = .completed
                },
                { $0.generation.model == model && $0.generation.status == .completed }
            ),
            (
                "duration range + audio",
                {
                    $0.minDuration = 6; $0.maxDuration = 9; $0.hasAudio = true
                },
                { $0.outputs.contains { $0.1.durationS == 8 && $0.1.hasAudio == true } }
            ),
            (
                "720p (short side, portrait too)", { $0.resolution = Resolution("720p") },
                { $0.outputs.contains { min($0.1.width ?? 0, $0.1.height ?? 0) == 720 } }
            ),
            (
                "exact size + cost range",
                {
                    $0.resolution = Resolution("1920x1080"); $0.minCost = 0.5; $0.maxCost = 0.75
                },
                { e in e.outputs.contains { $0.1.width == 1920 } && (0.5...0.75).contains(e.generation.costUSD ?? -1) }
            ),
            ("input image", { $0.inputSHA256 = image }, { $0.inputs.contains { $0.0.sha256 == image } }),
            (
                "tag + date range",
                {
                    $0.tag = "CLIENT-A"
                    $0.createdAfter = SearchCorpus.base.addingTimeInterval(3_000 * 30)
                    $0.createdBefore = SearchCorpus.base.addingTimeInterval(9_000 * 30)
                },
                { e in
                    e.generation.tags == ["client-a"]
                        && (3_000 * 30..<9_000 * 30).contains(e.generation.createdAt.timeIntervalSince(SearchCorpus.base))
                }
            ),
        ]
        for (name, configure, matches) in cases {
            var query = GenerationQuery(teamID: team, limit: 500)
            configure(&query)
            let expected = entries.filter { $0.generation.teamID == team && matches($0) }
                .sorted { $0.generation.createdAt > $1.generation.createdAt }.map(\.generation.id)
            #expect(!expected.isEmpty, "\(name): the corpus should hold matches")
            await #expect(try allPages(query).map(\.generation.id) == expected, "\(name)")
        }
    }

    @Test func textWithFiltersFindsWhatABruteForceScanFindsInEveryWindowSize() async throws {
        typealias Case = (String, (inout GenerationQuery) -> Void, (ArchivedGeneration, [String]) -> Bool)
        let model = entries[3].generation.model
        func has(_ words: [String], _ prefix: String) -> Bool { words.contains { $0.hasPrefix(prefix) } }
        let cases: [Case] = [
            (
                "common word + model",
                {
                    $0.text = "fox"; $0.model = model
                }, { e, w in has(w, "fox") && e.generation.model == model }
            ),
            (
                "phrase", { $0.text = "\"golden hour\"" },
                { _, w in zip(w, w.dropFirst()).contains { $0 == "golden" && $1 == "hour" } }
            ),
            (
                "two words, one excluded, audio",
                {
                    $0.text = "owl dragon -night"; $0.hasAudio = true
                },
                { e, w in
                    has(w, "owl") && has(w, "dragon") && !w.contains("night")
                        && e.outputs.contains { $0.1.hasAudio == true }
                }
            ),
            (
                "a prefix + status",
                {
                    $0.text = "dra"; $0.status = .failed
                }, { e, w in has(w, "dra") && e.generation.status == .failed }
            ),
        ]
        for (name, configure, matches) in cases {
            let expected = Set(
                entries.filter { entry in
                    entry.generation.teamID == team
                        && matches(entry, (entry.generation.prompt ?? "").split(separator: " ").map(String.init))
                }.map(\.generation.id))
            #expect(expected.count > 10, "\(name): the corpus should hold matches")
            for window in [GenerationQuery.defaultRankingWindow, 25] {
                var query = GenerationQuery(teamID: team, limit: 200)
                query.rankingWindow = window
                configure(&query)
                await #expect(Set(try allPages(query).map(\.generation.id)) == expected, "\(name), windows of \(window)")
            }
        }
    }

    @Test func everyVideoMadeFromOneImageIsFoundAcrossTeams() async throws {
        let image = SearchCorpus.inputImage(30)
        let users = entries.filter { $0.inputs.contains { $0.0.sha256 == image } }
        // Image 3 of 500 feeds generations 30, 5030, 10030, ... (those that completed carry it).
        #expect(users.count >= 10)
        for team in teams {
            var query = GenerationQuery(teamID: team, limit: 500)
            query.inputSHA256 = image
            await #expect(
                Set(try allPages(query).map(\.generation.id))
                    == Set(users.filter { $0.generation.teamID == team }.map(\.generation.id)))
        }
    }

    @Test func textPagesJoinUpToTheWholeRankedResult() async throws {
        var query = GenerationQuery(teamID: team, text: "cinematic light", limit: 37)
        let paged = try await allPages(query)
        query.limit = 500
        var whole: [SearchHit] = []
        var cursor: SearchCursor?
        repeat {
            query.cursor = cursor
            let page = try await database.search(query)
            whole += page.hits
            cursor = page.nextCursor
        } while cursor != nil
        #expect(paged.count > 500)
        #expect(paged.map(\.generation.id) == whole.map(\.generation.id))
        for hit in paged.prefix(200) {
            let prompt = hit.generation.prompt ?? ""
            #expect(prompt.contains("cinematic") && prompt.contains("light"))
        }
    }

    @Test func pagingIsStableWhileNewGenerationsArrive() async throws {
        let (database, team) = try await smallArchive()
        let models = try Fixtures.catalogue.prefix(5).map { CatalogueModel($0, fetchedAt: Date()) }
        try await SearchCorpus(count: 150, models: models, teamIDs: [team], seed: 7).insert(into: database)
        var query = GenerationQuery(teamID: team, limit: 40)
        let first = try await database.search(query)
        // A newer generation arrives between pages: it is neither repeated nor does it push a row off a page.
        _ = try await database.insertGeneration(
            Generation(
                id: "gen_late", teamID: team, model: models[0].slug,
                version: "0.0.1", input: ["prompt": "late"], tags: [],
                now: Date()))
        query.cursor = first.nextCursor
        var ids = first.hits.map(\.generation.id)
        while let cursor = query.cursor {
            let page = try await database.search(query)
            ids += page.hits.map(\.generation.id)
            query.cursor = page.nextCursor
            _ = cursor
        }
        #expect(ids.count == 150 && Set(ids).count == 150 && !ids.contains("gen_late"))
        // A cursor only continues the search that made it.
        var other = GenerationQuery(teamID: team, model: models[1].slug, limit: 40)
        other.cursor = first.nextCursor
        await #expect(throws: SearchError.invalidCursor) { try await database.search(other) }
    }

    @Test func textPagingNeitherRepeatsNorSkipsWhileTheIndexChanges() async throws {
        let (database, team) = try await smallArchive()
        // Equal prompts score equally: ties everywhere, the case a remembered score cannot page through once new
        // rows shift every score.
        for index in 0..<120 {
            _ = try await database.insertGeneration(
                Generation(
                    id: String(format: "gen_tied_%03d", index), teamID: team, model: "m", version: "0.0.1",
                    input: ["prompt": "a tied otter"], tags: [], now: Date(timeIntervalSince1970: 1_800_000_000 + Double(index))))
        }
        var query = GenerationQuery(teamID: team, text: "otter", limit: 25)
        var seen: [String] = []
        var late = 0
        repeat {
            let page = try await database.search(query)
            seen += page.hits.map(\.generation.id)
            // Between pages, more otters of other lengths arrive (the index's statistics change).
            for extra in 0..<5 {
                late += 1
                _ = try await database.insertGeneration(
                    Generation(
                        id: "gen_late_\(late)", teamID: team, model: "m", version: "0.0.1",
                        input: ["prompt": .string("a late otter" + String(repeating: " swimming", count: extra))], tags: [],
                        now: Date()))
            }
            query.cursor = page.nextCursor
        } while query.cursor != nil && late < 200
        #expect(seen.count == 120 && Set(seen).count == 120 && seen.allSatisfy { $0.hasPrefix("gen_tied_") })
    }

    @Test func commonWordsAreRankedWithinWindowsNewestFirstAndEveryMatchComesOnce() async throws {
        let (database, team) = try await smallArchive()
        // 30 matches, one in three strong (the word twice), in creation order; windows of 12 matches.
        for index in 0..<30 {
            let prompt = index % 3 == 0 ? "heron heron by the lake \(index)" : "a heron far away on a long quiet day \(index)"
            _ = try await database.insertGeneration(
                Generation(
                    id: String(format: "gen_%02d", index), teamID: team, model: "m", version: "0.0.1",
                    input: ["prompt": .string(prompt)], tags: [], now: Date(timeIntervalSince1970: 1_800_000_000 + Double(index))))
        }
        var query = GenerationQuery(teamID: team, text: "heron", limit: 5)
        query.rankingWindow = 12
        var pages: [SearchPage] = []
        repeat {
            let page = try await database.search(query)
            pages.append(page)
            query.cursor = page.nextCursor
        } while query.cursor != nil
        let ids = pages.flatMap { $0.hits.map(\.generation.id) }
        #expect(ids.count == 30 && Set(ids).count == 30, "every match exactly once")
        #expect(pages.allSatisfy { $0.rankingWindow == 12 }, "the answer says the ranking is windowed")
        // Window by window (newest 12, the next 12, the last 6): strong matches first within each.
        let windows = [Array(ids[0..<12]), Array(ids[12..<24]), Array(ids[24...])]
        let expected = [(18...29), (6...17), (0...5)].map { range in Set(range.map { String(format: "gen_%02d", $0) }) }
        for (window, members) in zip(windows, expected) {
            #expect(Set(window) == members)
            let strong = window.prefix { Int($0.dropFirst(4))! % 3 == 0 }
            #expect(strong.count == members.filter { Int($0.dropFirst(4))! % 3 == 0 }.count, "\(window)")
        }
        // A window as large as the matches is one exact ranking, and the answer does not mention windows.
        query = GenerationQuery(teamID: team, text: "heron", limit: 30)
        let exact = try await database.search(query)
        #expect(exact.rankingWindow == nil && exact.nextCursor == nil && exact.hits.count == 30)
        #expect(exact.hits.prefix(10).allSatisfy { Int($0.generation.id.dropFirst(4))! % 3 == 0 })
    }

    @Test func rankingPutsPromptMatchesFirstAndHonoursPhrasesAndExclusions() async throws {
        let (database, team) = try await smallArchive()
        let rows: [(String, String, String?, [String])] = [
            ("gen_in_note", "a calm lake", "okapi at dawn", []),
            ("gen_in_prompt", "an okapi walking through fog", nil, []),
            ("gen_in_tags", "a quiet street", nil, ["okapi"]),
            ("gen_phrase", "the red fox sleeps", nil, []),
            ("gen_scattered", "a fox under a red sky", nil, []),
        ]
        for (id, prompt, note, tags) in rows {
            var generation = Generation(
                id: id, teamID: team, model: "m", version: "0.0.1",
                input: ["prompt": .string(prompt)], tags: tags, now: Date())
            generation.note = note
            _ = try await database.insertGeneration(generation)
        }
        func ids(_ text: String) async throws -> [String] {
            try await database.search(GenerationQuery(teamID: team, text: text)).hits.map(\.generation.id)
        }
        await #expect(try ids("okapi") == ["gen_in_prompt", "gen_in_tags", "gen_in_note"])
        await #expect(try ids("oka") == ["gen_in_prompt", "gen_in_tags", "gen_in_note"])  // prefixes
        await #expect(try ids("\"red fox\"") == ["gen_phrase"])
        await #expect(Set(try ids("red fox")) == ["gen_phrase", "gen_scattered"])
        await #expect(try ids("fox -sky") == ["gen_phrase"])
        await #expect(try ids("fox -\"red sky\"") == ["gen_phrase"])
    }

    @Test func snippetsMarkTheMatchedWordsAndEscapeThePrompt() async throws {
        let page = try await database.search(GenerationQuery(teamID: team, text: "dragon", limit: 20))
        #expect(page.hits.count == 20)
        for hit in page.hits {
            let html = try #require(hit.snippet?.html)
            #expect(html.contains("<mark>dragon</mark>"), "\(html)")
        }
        let (hostile, team) = try await smallArchive()
        _ = try await hostile.insertGeneration(
            Generation(
                id: "gen_x", teamID: team, model: "m", version: "0.0.1",
                input: ["prompt": "<script>alert(1)</script> a marmot & \u{E000}friends"], tags: [], now: Date()))
        let html = try await #require(try hostile.search(GenerationQuery(teamID: team, text: "marmot")).hits.first?.snippet?.html)
        #expect(html.contains("&lt;script&gt;") && !html.contains("<script>") && html.contains("<mark>marmot</mark>"))
        #expect(html.components(separatedBy: "<mark>").count == html.components(separatedBy: "</mark>").count)
    }

    @Test(arguments: [
        "\"", "*", "fox\"", "\"unclosed phrase", "-", "--", "NEAR(fox drone)", "fox AND", "OR",
        "col:fox", "^fox", "fox*)", "(((", "'; DROP TABLE generations; --", "\u{0}", "🦊", "-fox",
        String(repeating: "fox ", count: 300), "prompt:fox", "{fox}",
    ])
    func hostileQueriesNeverFail(text: String) async throws {
        let page = try await database.search(GenerationQuery(teamID: team, text: text, limit: 5))
        #expect(page.hits.count <= 5)
    }
}
