import EachLabs
import Foundation
import TestSupport
import Testing
import VaultAPIClient
import VaultContract
import VaultRuntime
import Workers

@Suite(.timeLimit(.minutes(5))) struct CanonicalKeyTests {
    let catalogue: [ProviderModel]

    init() throws {
        catalogue = try Fixtures.catalogue
    }

    private func key(_ model: ProviderModel, _ input: [String: JSONValue]) throws -> String {
        let valid = try model.requestSchema.validate(input).get()
        return model.requestSchema.canonicalKey(model: model.slug, version: model.version, input: valid)
    }

    @Test func equivalentInputsShareOneKeyOverTheWholeCatalogue() async throws {
        for model in catalogue {
            let schema = model.requestSchema
            let minimal = minimalInput(for: schema)
            let base = try key(model, minimal)
            // Spelling out every default changes nothing.
            var explicit = minimal
            for (name, property) in schema.properties where explicit[name] == nil {
                if let value = property.default, property.enum == nil || schema.allowedValues(of: name) != nil { explicit[name] = value }
            }
            #expect(try key(model, explicit) == base, "\(model.slug): defaults")
            // Numbers and their string spellings, nulls, outer whitespace and Unicode composition are equivalent.
            var spelled = minimal
            for (name, property) in schema.properties {
                if property.type == "string", let first = schema.allowedValues(of: name)?.first, case .string(let text) = first,
                    let number = Int(text), spelled[name] == nil || spelled[name] == first
                {
                    spelled[name] = .int(number)
                    var asString = minimal
                    asString[name] = first
                    #expect(try key(model, spelled) == key(model, asString), "\(model.slug).\(name): 5 vs \"5\"")
                }
            }
            if schema.properties["prompt"] != nil {
                var a = minimal, b = minimal
                a["prompt"] = "  Café at dawn\n"
                b["prompt"] = "Cafe\u{301} at dawn"
                if schema.properties["negative_prompt"] != nil && !schema.required.contains("negative_prompt") {
                    b["negative_prompt"] = .null  // an explicit null is "not given"
                }
                #expect(try key(model, a) == key(model, b), "\(model.slug): whitespace and NFC")
                var c = minimal
                c["prompt"] = "Café at dusk"
                #expect(try key(model, c) != key(model, a), "\(model.slug): a different prompt")
            }
        }
    }

    @Test func modelAndVersionArePartOfTheKey() async throws {
        let a = try #require(catalogue.first { $0.slug == "pixverse-v5-6-text-to-video" })
        let input = try a.requestSchema.validate(["prompt": "x"]).get()
        #expect(
            a.requestSchema.canonicalKey(model: a.slug, version: "0.0.1", input: input)
                != a.requestSchema.canonicalKey(model: a.slug, version: "0.0.2", input: input))
        #expect(
            a.requestSchema.canonicalKey(model: a.slug, version: "0.0.1", input: input)
                != a.requestSchema.canonicalKey(model: "other", version: "0.0.1", input: input))
    }
}

@Suite(.timeLimit(.minutes(5))) struct DedupTests {
    /// The check for an identical request and the insert are one transaction (an advisory lock on PostgreSQL):
    /// eight identical requests at the same instant pay for one prediction.
    @Test(arguments: StoreBackend.allCases)
    func identicalRequestsSentTogetherMakeOneCreate(_ backend: StoreBackend) async throws {
        try await withHarness(backend: backend) { harness in
            let request = GenerationRequest(model: "pixverse-v5-6-text-to-video", input: ["prompt": "eight at once", "duration": 5])
            let ids = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        // As a client does: a 503 (a loaded host's database lane) changed nothing; send it again.
                        for _ in 0..<20 {
                            do { return try await harness.client.createGeneration(request).id } catch let error
                                as VaultClientError where error.status == 503
                            { try await Task.sleep(for: .milliseconds(200)) }
                        }
                        return try await harness.client.createGeneration(request).id
                    }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(Set(ids).count == 1, "\(ids)")
            _ = try await harness.waitUntilFinal([ids[0]])
            #expect(await harness.simulator.stats().creates == 1)
            await #expect(try harness.vault.store.generation(id: ids[0])?.dedupHits == 7)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func repeatsAreAnsweredWithoutPayingAgainButNeverAcrossTeams(_ backend: StoreBackend) async throws {
        try await withHarness(backend: backend) { harness in
            let request = GenerationRequest(model: "pixverse-v5-6-text-to-video", input: ["prompt": "a lighthouse in fog", "duration": 5])
            let first = try await harness.client.createGeneration(request)
            // In flight: an identical request attaches to it.
            let attached = try await harness.client.createGeneration(
                GenerationRequest(model: request.model, input: ["prompt": "  a lighthouse in fog ", "duration": "5"]))
            #expect(attached.id == first.id && attached.deduplicatedFrom == first.id)
            _ = try await harness.waitUntilFinal([first.id])
            // Completed: answered at once, with its asset, no provider call.
            let repeated = try await harness.client.createGeneration(request)
            #expect(repeated.id == first.id && repeated.deduplicatedFrom == first.id && repeated.status == .completed)
            #expect(!repeated.assets.isEmpty)
            #expect(await harness.simulator.stats().creates == 1)
            await #expect(try harness.vault.store.generation(id: first.id)?.dedupHits == 2)
            // dedup: false generates anew.
            var fresh = request
            fresh.dedup = false
            let another = try await harness.client.createGeneration(fresh)
            #expect(another.id != first.id && another.deduplicatedFrom == nil)
            // Another team never matches.
            let (_, _, other) = try await harness.makeTeam("team-b")
            let theirs = try await other.createGeneration(request)
            #expect(theirs.id != first.id && theirs.deduplicatedFrom == nil)
            try await eventually { await harness.simulator.stats().creates == 3 }
            // A failed generation never counts as a match.
            let failing = GenerationRequest(model: request.model, input: ["prompt": "a storm #sim-error:PROVIDER_FAILED"])
            let failed = try await harness.client.createGeneration(failing)
            _ = try await harness.waitUntilFinal([failed.id])
            #expect(try await harness.client.createGeneration(failing).id != failed.id)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aDryRunValidatesFindsMatchesAndEstimatesCostWithoutGenerating(_ backend: StoreBackend) async throws {
        try await withHarness(backend: backend) { harness in
            let done = try await harness.client.createGeneration(
                GenerationRequest(
                    model: "kling-v2-6-pro-text-to-video", input: ["prompt": "red fox running in snow", "duration": "10"]))
            _ = try await harness.waitUntilFinal([done.id])
            let plan = try await harness.client.planGeneration(
                GenerationRequest(
                    model: "kling-v2-6-pro-text-to-video", input: ["prompt": "red fox running in snow", "duration": 10]))
            #expect(plan.valid)
            #expect(plan.exactMatch == done.id)
            #expect(plan.requestKey?.count == 64)
            let rate = try await #require(try harness.vault.store.cachedModel(slug: "kling-v2-6-pro-text-to-video")?.cost?.amount)
            #expect(abs((plan.costEstimate.usd ?? 0) - rate * 10) < 0.0001)
            #expect(plan.similar.map(\.id) == [done.id])
            let invalid = try await harness.client.planGeneration(
                GenerationRequest(
                    model: "kling-v2-6-pro-text-to-video", input: ["duration": "7"]))
            #expect(!invalid.valid && invalid.problems.contains { $0.field == "prompt" })
            #expect(await harness.simulator.stats().creates == 1)
        }
    }

    @Test func unknownPricesStayUnknown() {
        #expect(CostEstimate(cost: nil, input: [:]).usd == nil)
        let perSecond = ModelCost(type: "usage_based", amount: 0.1, unit: "second")
        #expect(CostEstimate(cost: perSecond, input: ["duration": "5"]).usd == 0.5)
        #expect(CostEstimate(cost: perSecond, input: [:]).usd == nil)
        #expect(CostEstimate(cost: ModelCost(type: "fixed", amount: 0.3, unit: nil), input: [:]).usd == 0.3)
        #expect(CostEstimate(cost: ModelCost(type: "usage_based", amount: 0.02, unit: "frame"), input: [:]).usd == nil)
    }
}

@Suite(.timeLimit(.minutes(5))) struct AnnotationTests {
    @Test(arguments: StoreBackend.allCases)
    func tagsAndNotesAreEditableAndSearchable(_ backend: StoreBackend) async throws {
        try await withHarness(backend: backend) { harness in
            let created = try await harness.client.createGeneration(
                GenerationRequest(
                    model: "pixverse-v5-6-text-to-video", input: ["prompt": "a quiet orchard"], tags: ["draft"]))
            let patched = try await harness.raw(
                "PATCH", "/v1/generations/\(created.id)",
                body: #"{"tags": ["client-a", "Final", "final"], "note": "approved by Marguerite"}"#)
            #expect(patched.status == 200 && patched.body.contains("approved by Marguerite"))
            #expect(try await harness.client.search(text: "marguerite").items.map(\.id) == [created.id])
            #expect(try await harness.client.search(text: "draft").count == 0)
            let tagged = try await harness.raw("GET", "/v1/generations?tag=client-a")
            #expect(tagged.body.contains(created.id))
            await #expect(try harness.vault.store.generation(id: created.id)?.tags == ["client-a", "Final"])
            // Absent fields stay; null clears the note.
            #expect(try await harness.raw("PATCH", "/v1/generations/\(created.id)", body: #"{"note": null}"#).status == 200)
            let cleared = try await #require(try harness.vault.store.generation(id: created.id))
            #expect(cleared.note == nil && cleared.tags == ["client-a", "Final"])
            #expect(try await harness.client.search(text: "marguerite").count == 0)
            // Another team cannot touch it.
            let (_, otherToken, _) = try await harness.makeTeam("team-b")
            #expect(
                try await harness.raw(
                    "PATCH", "/v1/generations/\(created.id)", body: #"{"note": "x"}"#,
                    token: otherToken
                ).status == 404)
            #expect(try await harness.raw("PATCH", "/v1/generations/\(created.id)", body: "{oops").status == 400)
        }
    }
}
