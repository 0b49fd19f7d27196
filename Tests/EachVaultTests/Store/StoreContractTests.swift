import EachLabs
import Foundation
import Storage
import StoreSQLite
import TestSupport
import Testing

/// The store's behaviour, the same on SQLite and on PostgreSQL: each test runs once per backend.
@Suite(.timeLimit(.minutes(5))) struct StoreContractTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test(arguments: StoreBackend.allCases)
    func teamsTokensAndSessions(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let team = try await store.createTeam(name: "studio", now: start)
            await #expect(throws: TeamError.self) { try await store.createTeam(name: "studio", now: start) }
            #expect(try await store.team(named: "studio") == team)
            #expect(try await store.team(named: "nobody") == nil)
            await #expect(throws: TeamError.self) {
                try await store.createToken(teamName: "nobody", label: nil, scopes: [], now: start)
            }

            let (token, info) = try await store.createToken(
                teamName: "studio", label: "ci", scopes: [.import], now: start)
            #expect(info.team == "studio" && info.name == "ci" && info.scopes == [.import] && info.revokedAt == nil)
            let grant = try #require(try await store.authenticate(token: token, now: start.addingTimeInterval(120)))
            #expect(grant.team == team && grant.scopes == [.import])
            #expect(try await store.authenticate(token: token + "x", now: start) == nil)
            #expect(try await store.tokens(teamID: nil).map(\.id) == [info.id])
            #expect(try await store.tokens(teamID: nil).first?.lastUsedAt == start.addingTimeInterval(120), "the use is noted")
            _ = try await store.createTeam(name: "other", now: start)
            let (_, theirs) = try await store.createToken(teamName: "other", label: nil, scopes: [], now: start)
            #expect(try await store.tokens(teamID: nil).map(\.id) == [theirs.id, info.id], "by team name, then age")
            #expect(try await store.tokens(teamID: team.id).map(\.id) == [info.id], "one team's only")

            let session = try #require(try await store.createSession(token: token, lifetime: 60, now: start))
            #expect(try await store.grant(session: session, now: start.addingTimeInterval(59))?.team == team)
            #expect(try await store.grant(session: session, now: start.addingTimeInterval(61)) == nil, "expired")
            #expect(try await store.createSession(token: "evt_unknown", lifetime: 60, now: start) == nil)
            let ended = try #require(try await store.createSession(token: token, lifetime: 60, now: start))
            try await store.endSession(ended)
            #expect(try await store.grant(session: ended, now: start) == nil)

            try await store.revokeToken(id: info.id, now: start.addingTimeInterval(5))
            #expect(try await store.authenticate(token: token, now: start) == nil, "a revoked token opens nothing")
            #expect(try await store.grant(session: session, now: start) == nil, "nor do its sessions")
            #expect(try await store.tokens(teamID: team.id).first?.revokedAt == start.addingTimeInterval(5))
            await #expect(throws: TeamError.self) { try await store.revokeToken(id: "tok_none", now: start) }
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func theCatalogueKeepsAKnownCostWhenAListRefreshesIt(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let models = Array(try Fixtures.catalogue.prefix(3))
            try await store.saveModels(models, now: start)
            var priced = models[1]
            priced.cost = ModelCost(type: "per_second", amount: 0.05, unit: "second")
            #expect(try await store.saveModelDetail(priced, now: start).cost == priced.cost)
            try await store.saveModels(models, now: start.addingTimeInterval(60))  // a list answer: no cost
            let cached = try #require(try await store.cachedModel(slug: priced.slug))
            #expect(cached.cost == priced.cost && cached.detailFetchedAt == start)
            #expect(cached.fetchedAt == start.addingTimeInterval(60) && cached.requestSchema == priced.requestSchema)
            #expect(try await store.cachedModels().map(\.slug) == models.map(\.slug).sorted())
            #expect(try await store.cachedModel(slug: "no-such-model") == nil)
        }
    }

    /// A list of hundreds of models is saved in a few statements; a slug named twice keeps the later entry.
    @Test(arguments: StoreBackend.allCases)
    func aLongCatalogueIsSavedWholeAndASlugNamedTwiceOnce(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let base = try #require(try Fixtures.catalogue.first)
            var models = (0..<700).map { index in
                var model = base
                model.slug = "model-\(index)"
                return model
            }
            var again = models[5]
            again.title = "named twice"
            models.append(again)
            try await store.saveModels(models, now: start)
            let cached = try await store.cachedModels()
            #expect(cached.count == 700)
            #expect(cached.first { $0.slug == "model-5" }?.title == "named twice")
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func generationsAreRecordedReadAnnotatedDeduplicatedAndDeleted(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let team = try await store.createTeam(name: "a", now: start).id
            let other = try await store.createTeam(name: "b", now: start).id
            let input = GenerationInput(
                generationID: "gen_1", field: "image_url", position: 0, sourceURL: "https://example.com/cat.png",
                nextAttemptAt: start)
            let recorded = try await store.insertGeneration(
                generation("gen_1", team: team, key: "k1", prompt: "a red fox"), inputs: [input])
            #expect(recorded.seq != nil)
            let second = try await store.insertGeneration(generation("gen_2", team: team, key: "k1"), inputs: [])
            #expect(try #require(second.seq) > (recorded.seq ?? .max), "sequence numbers grow")

            let detail = try #require(try await store.generationDetail(id: "gen_1", teamID: team))
            #expect(detail.generation == recorded && detail.events.map(\.kind) == ["created"])
            #expect(detail.inputs.map(\.input.sourceURL) == ["https://example.com/cat.png"] && detail.outputs.isEmpty)
            #expect(try await store.generationDetail(id: "gen_1", teamID: other) == nil, "another team sees nothing")
            #expect(try await store.generationDetail(id: "gen_1", teamID: nil) != nil)
            let page = try await store.generationDetails([second, recorded])
            #expect(page.map(\.generation.id) == ["gen_2", "gen_1"] && page[1].inputs.count == 1)
            #expect(try await store.statusCounts() == [.pending: 2])

            // The newest of the team's generations with the key answers a repeat; another team's never does.
            #expect(try await store.deduplicationMatch(teamID: team, requestKey: "k1")?.id == "gen_2")
            #expect(try await store.deduplicationMatch(teamID: other, requestKey: "k1") == nil)
            try await store.recordDeduplicationHit(id: "gen_2", now: start)
            #expect(try await store.generation(id: "gen_2")?.dedupHits == 1)

            let annotated = try await store.annotateGeneration(
                id: "gen_1", teamID: team, tags: ["wildlife"], note: .some("keep"), favourite: true,
                now: start.addingTimeInterval(9))
            #expect(annotated?.tags == ["wildlife"] && annotated?.note == "keep" && annotated?.favourite == true)
            #expect(try await store.generation(id: "gen_1") == annotated)
            #expect(
                try await store.annotateGeneration(id: "gen_1", teamID: other, tags: [], note: nil, favourite: nil, now: start)
                    == nil)
            let favourites = GenerationQuery(teamID: team, favourite: true)
            #expect(try await store.searchGenerations(favourites).map(\.id) == ["gen_1"])
            _ = try await store.annotateGeneration(id: "gen_1", teamID: team, tags: nil, note: .none, favourite: false, now: start)
            #expect(try await store.searchGenerations(favourites).isEmpty)
            #expect(try await store.generation(id: "gen_1")?.tags == ["wildlife"], "a star changes nothing else")
            _ = try await store.annotateGeneration(id: "gen_1", teamID: team, tags: nil, note: .none, favourite: true, now: start)
            let retagged = try await store.editTags(
                id: "gen_1", teamID: team, adding: ["Birds", "birds"], removing: ["WILDLIFE"], now: start)
            #expect(retagged?.tags == ["Birds"] && retagged?.note == "keep", "by any case, added once, note kept")
            #expect(try await store.editTags(id: "gen_1", teamID: other, adding: ["x"], removing: [], now: start) == nil)
            _ = try await store.editTags(id: "gen_1", teamID: team, adding: ["wildlife"], removing: [], now: start)
            let events = try await store.generationDetail(id: "gen_1", teamID: team)?.events.map(\.kind)
            #expect(events == ["created"] + Array(repeating: "annotated", count: 5), "the stars are told too")

            #expect(try await store.deleteGeneration(id: "gen_1", teamID: other, now: start) == false)
            #expect(try await store.deleteGeneration(id: "gen_1", teamID: team, now: start))
            #expect(try await store.generation(id: "gen_1") == nil)
            #expect(try await store.deleteGeneration(id: "gen_1", teamID: team, now: start) == false)
            #expect(try await store.statusCounts() == [.pending: 1])
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func sharesOpenUntilRevokedOrExpired(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let team = try await store.createTeam(name: "a", now: start).id
            let other = try await store.createTeam(name: "b", now: start).id
            _ = try await store.insertGeneration(generation("gen_1", team: team), inputs: [])
            #expect(
                try await store.createShare(.generation("gen_1"), teamID: other, expiresAt: start, now: start) == nil)
            let (token, share) = try #require(
                try await store.createShare(
                    .generation("gen_1"), teamID: team, expiresAt: start.addingTimeInterval(60), now: start))
            guard case .active(let opened, let detail) = try await store.lookUpShare(token: token, now: start) else {
                Issue.record("the link should open")
                return
            }
            #expect(opened == share && detail.generation.id == "gen_1")
            #expect(detail.events.map(\.kind) == ["created", "shared"])
            guard case .expired = try await store.lookUpShare(token: token, now: start.addingTimeInterval(60)) else {
                Issue.record("the link should have expired")
                return
            }
            guard case .unknown = try await store.lookUpShare(token: "nope", now: start) else {
                Issue.record("an unknown token opens nothing")
                return
            }
            #expect(try await store.revokeShare(id: share.id, teamID: other, now: start) == false)
            #expect(try await store.revokeShare(id: share.id, teamID: team, now: start))
            guard case .revoked = try await store.lookUpShare(token: token, now: start) else {
                Issue.record("a revoked link stays shut")
                return
            }
            #expect(try await store.shares(of: .generation("gen_1"), teamID: other) == nil, "another team's generation")
            #expect(try await store.shares(of: .generation("gen_1"), teamID: team)?.map(\.id) == [share.id])
            #expect(try await store.shares(of: .generation("gen_1"), teamID: team)?.first?.revokedAt == start)
            #expect(try await store.latestGeneration(holding: "f00d", teamID: team) == nil)
        }
    }

    private func generation(_ id: String, team: String, key: String? = nil, prompt: String = "a fox") -> Generation {
        Generation(
            id: id, teamID: team, model: "m", version: "1", input: ["prompt": .string(prompt)], tags: [],
            requestKey: key, now: start)
    }
}

/// A generation's whole life through the store, on each backend: claimed for its create once, polled, its output
/// downloaded and recorded, completed, its events announced to the team's endpoint in order.
@Suite(.timeLimit(.minutes(5))) struct StoreLifecycleTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test(arguments: StoreBackend.allCases)
    func aGenerationGoesFromRequestToArchivedVideo(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let team = try await store.createTeam(name: "a", now: start).id
            let endpoint = try #require(
                try await store.createEndpoint(
                    teamID: team, url: "https://hooks.example.com/in", events: ["asset.stored", "generation.completed"],
                    limit: 10, now: start))
            _ = try await store.insertGeneration(
                Generation(id: "gen_1", teamID: team, model: "m", version: "1", input: ["prompt": "a fox"], tags: [], now: start),
                inputs: [])
            let now = start.addingTimeInterval(1)

            #expect(try await store.dueSubmissions(now: now, limit: 10).map(\.id) == ["gen_1"])
            #expect(try await store.beginSubmission(id: "gen_1", now: now))
            #expect(try await store.beginSubmission(id: "gen_1", now: now) == false, "one create, whoever asks again")
            #expect(try await store.dueSubmissions(now: now, limit: 10).isEmpty)
            try await store.recordSubmitted(id: "gen_1", predictionID: "pred_1", now: now, firstPollAt: now)
            #expect(try await store.nextPollTime() == now)

            #expect(try await store.duePolls(now: now, limit: 10).map(\.id) == ["gen_1"])
            try await store.recordPoll(
                id: "gen_1", outcome: .succeeded(outputURLs: ["https://cdn.example.com/v.mp4"], costUSD: 0.4, predictTime: 30),
                now: now)
            let generation = try #require(try await store.generation(id: "gen_1"))
            #expect(generation.status == .downloading && generation.costUSD == 0.4 && generation.predictionID == "pred_1")

            let files = try await store.dueFiles(.output, now: now, limit: 10)
            #expect(files.count == 1)
            let file = try #require(files.first)
            let asset = Asset(
                sha256: String(repeating: "ab", count: 32), size: 1234, contentType: "video/mp4", durationS: 5, width: 1280,
                height: 720, videoCodec: "avc1", hasAudio: false, storedAt: now)
            #expect(try await store.recordStored(file, asset: asset, now: now), "the last output completes it")
            #expect(try await store.dueFiles(.output, now: now, limit: 10).isEmpty)

            let detail = try #require(try await store.generationDetail(id: "gen_1", teamID: team))
            #expect(detail.generation.status == .completed && detail.outputs.first?.asset == asset)
            #expect(detail.events.map(\.kind) == ["created", "submitted", "succeeded", "downloaded", "completed"])
            #expect(try await store.asset(sha256: asset.sha256, teamID: team) == asset)
            #expect(try await store.latestGeneration(holding: asset.sha256, teamID: team)?.id == "gen_1")
            #expect(try await store.statusCounts() == [.completed: 1])

            // The endpoint's messages go one at a time per generation, oldest first.
            let due = try await store.dueMessages(now: now, limit: 10)
            #expect(due.map(\.endpointID) == [endpoint.id] && due.first?.payload.contains("asset.stored") == true)
            try await store.recordAttempt(
                due[0], status: 200, latencyMS: 3, excerpt: nil, error: nil, delivered: true, retryAt: nil, now: now)
            let next = try await store.dueMessages(now: now, limit: 10)
            #expect(next.count == 1 && next.first?.payload.contains("generation.completed") == true)
        }
    }
}

/// Incoming webhooks through the store, on each backend: a refused delivery is only counted, an authentic one is
/// applied once and its repeats change nothing.
@Suite(.timeLimit(.minutes(5))) struct StoreWebhookTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test(arguments: StoreBackend.allCases)
    func refusedDeliveriesAreCountedAndAuthenticOnesAppliedOnce(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let team = try await store.createTeam(name: "a", now: start).id
            _ = try await store.insertGeneration(
                Generation(
                    id: "gen_1", teamID: team, model: "m", version: "1", input: ["prompt": "a fox"], tags: [],
                    webhookSecret: "whsec_x", now: start),
                inputs: [])
            try await store.recordSubmitted(id: "gen_1", predictionID: "pred_1", now: start, firstPollAt: start)
            #expect(try await store.webhookSecrets(generationIDs: ["gen_1", "gen_none"]) == ["whsec_x", nil])

            func delivery(_ id: String, rejection: WebhookRejection? = nil) -> ReceivedWebhook {
                ReceivedWebhook(
                    generationID: id, scheme: .signature, timestampHeader: "1", body: Data("{}".utf8),
                    rejection: rejection,
                    report: rejection == nil
                        ? ("pred_1", .succeeded(outputURLs: ["https://cdn.example.com/v.mp4"], costUSD: nil, predictTime: 3))
                        : nil)
            }
            let refused = try await store.recordWebhooks(
                [delivery("gen_1", rejection: .signatureMismatch), delivery("gen_none", rejection: .missingSignature)],
                now: start)
            #expect(
                refused.map { try? $0.get() } == [.rejected(.signatureMismatch), .rejected(.unknownGeneration)],
                "\(refused)")
            #expect(try await store.webhookRejections(generationID: "gen_1").map(\.count) == [1])
            #expect(try await store.webhookRejections(generationID: AppDatabase.unknownGenerationKey).map(\.count) == [1])
            #expect(try await store.generation(id: "gen_1")?.status == .submitted, "a refused delivery changes nothing")

            #expect(try await store.recordWebhook(delivery("gen_1"), now: start) == .applied)
            #expect(try await store.recordWebhook(delivery("gen_1"), now: start) == .duplicate)
            #expect(try await store.generation(id: "gen_1")?.status == .downloading)
            #expect(try await store.webhookDeliveries(generationID: "gen_1").map(\.verdict) == ["applied", "duplicate"])
        }
    }
}
