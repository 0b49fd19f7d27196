@testable import Storage
import EachLabs
import Foundation
import TestSupport
import Testing
import Transport
import VaultContract
import VaultRuntime
import Workers

@Suite(.timeLimit(.minutes(5))) struct ImportTests {
    @Test(arguments: StoreBackend.allCases)
    func aPredictionMadeElsewhereIsArchivedOnceWhateverTheNumberOfImports(_ backend: StoreBackend) async throws {
        try await withHarness(backend: backend) { harness in
            // Made outside EachVault: straight at the provider.
            let provider = LiveProviderAPI(
                baseURL: harness.simulatorServer.baseURL, apiKey: Harness.apiKey,
                transport: CurlTransport())
            let model = "pixverse-v5-6-image-to-video"
            let image = "\(harness.simulatorServer.baseURL)/_simulator/samples/sample-first-frame.png"
            let predictionID = try await provider.createPrediction(
                CreatePrediction(
                    model: model, version: "0.0.1", input: ["prompt": "an imported harbour at dusk", "image_url": .string(image)]))

            // Only a token an operator granted the import scope may claim predictions.
            let refused = try await harness.raw("POST", "/v1/imports", body: #"{"prediction_ids": ["\#(predictionID)"]}"#)
            #expect(refused.status == 403 && refused.body.contains("missing_scope"))
            let (importerToken, importer) = try await harness.makeClient(team: "team-a", scopes: [.import])
            let first = try await importer.importPredictions([predictionID, "no-such-prediction"], model: model)
            #expect(first.map(\.outcome) == [.imported, .notFound])
            let id = try #require(first[0].generationID)
            let readsAfterImport = await harness.simulator.stats().reads
            let final = try await harness.waitUntilFinal([id])[0]
            #expect(final.status == .completed && final.origin == .imported && final.predictionID == predictionID)
            #expect(final.costUSD != nil && final.predictTimeS != nil && final.model == model)
            let view = try await harness.client.generation(id: id)
            #expect(view.origin == "imported" && view.assets.count == 1 && view.prompt == "an imported harbour at dusk")
            #expect(view.inputs.first?.sourceURL == image)
            #expect(await harness.vault.blobs.contains(view.assets[0].sha256))

            // Twice (and again): a no-op without a provider call.
            let readsBefore = await harness.simulator.stats().reads
            for _ in 0..<2 {
                let again = try await importer.importPredictions([predictionID], model: model)
                #expect(again.map(\.outcome) == [.alreadyArchived] && again.map(\.generationID) == [id])
            }
            #expect(await harness.simulator.stats().reads == readsBefore)
            #expect(readsAfterImport >= 1)
            // Another team cannot take it over, nor learn that anyone holds it: the answer is an unknown id's.
            _ = try await harness.makeTeam("team-b")
            let theirImporter = try await harness.makeClient(team: "team-b", scopes: [.import]).client
            let theirs = try await theirImporter.importPredictions([predictionID, "no-such-prediction"], model: nil)
            #expect(theirs.map(\.outcome) == [.notFound, .notFound] && theirs[0].generationID == nil)
            #expect(theirs[0].message == theirs[1].message?.replacingOccurrences(of: "no-such-prediction", with: predictionID))
            #expect(try await harness.client.search([("q", "harbour")]).items.map(\.id) == [id])
            #expect(await harness.simulator.stats().creates == 1)
            let bad = try await harness.raw("POST", "/v1/imports", body: #"{"prediction_ids": []}"#, token: importerToken)
            #expect(bad.status == 400)

            // Deleted, the prediction keeps a tombstone: the other team still cannot claim it; its owner can again.
            try await harness.client.deleteGeneration(id: id)
            #expect(try await theirImporter.importPredictions([predictionID], model: nil).map(\.outcome) == [.notFound])
            #expect(try await importer.importPredictions([predictionID], model: model).map(\.outcome) == [.imported])
        }
    }
}

@Suite(.timeLimit(.minutes(5))) struct SpendTests {
    @Test(arguments: StoreBackend.allCases)
    func spendIsReportedByModelDayAndTagWithWhatDeduplicationSaved(_ backend: StoreBackend) async throws {
        try await withHarness(backend: backend) { harness in
            let requests = [
                GenerationRequest(
                    model: "kling-v2-6-pro-text-to-video", input: ["prompt": "a spend test", "duration": "5"],
                    tags: ["client-a"]),
                GenerationRequest(model: "pixverse-v5-6-text-to-video", input: ["prompt": "another spend test"]),
            ]
            var ids: [String] = []
            for request in requests { ids.append(try await harness.client.createGeneration(request).id) }
            let generations = try await harness.waitUntilFinal(ids)
            // The same request again: answered by the first, its cost saved.
            #expect(try await harness.client.createGeneration(requests[0]).deduplicatedFrom == ids[0])
            let costs = generations.map { $0.costUSD ?? 0 }
            #expect(costs.allSatisfy { $0 > 0 })

            let byModel = try await harness.client.spend(groupBy: .model, from: nil, to: nil)
            #expect(abs(byModel.total.spentUSD - costs.reduce(0, +)) < 0.0001)
            #expect(byModel.total.generations == 2 && byModel.total.dedupHits == 1)
            #expect(abs(byModel.total.savedUSD - costs[0]) < 0.0001)
            let kling = try #require(byModel.rows.first { $0.key == "kling-v2-6-pro-text-to-video" })
            #expect(abs(kling.savedUSD - costs[0]) < 0.0001 && kling.generations == 1)

            let byTag = try await harness.client.spend(groupBy: .tag, from: nil, to: nil)
            #expect(Set(byTag.rows.map(\.key)) == ["client-a", "(untagged)"])
            let byDay = try await harness.client.spend(groupBy: .day, from: nil, to: nil)
            #expect(byDay.rows.count == 1 && byDay.rows[0].generations == 2)
            let future = try await harness.client.spend(groupBy: .model, from: "2999-01-01", to: nil)
            #expect(future.rows.isEmpty && future.total.generations == 0)
            #expect(try await harness.raw("GET", "/v1/spend?group_by=colour").status == 400)
            // Another team spent nothing.
            #expect(try await harness.makeTeam("team-b").client.spend(groupBy: .model, from: nil, to: nil).total.generations == 0)
        }
    }
}

@Suite(.timeLimit(.minutes(5))) struct SearchAPITests {
    @Test(arguments: StoreBackend.allCases)
    func theAPIPagesWithCursorsAndExplainsBadParameters(_ backend: StoreBackend) async throws {
        try await withHarness(backend: backend) { harness in
            var ids: [String] = []
            for take in 0..<5 {
                ids.append(
                    try await harness.client.createGeneration(
                        GenerationRequest(
                            model: "pixverse-v5-6-text-to-video", input: ["prompt": .string("paged <b>otter</b> take \(take)")])
                    ).id)
            }
            var seen: [String] = []
            var page = try await harness.client.search([("q", "otter"), ("limit", "2")])
            seen += page.items.map(\.id)
            #expect(page.items.allSatisfy { $0.snippet?.contains("<mark>otter</mark>") == true && $0.snippet?.contains("&lt;b&gt;") == true })
            while let cursor = page.nextCursor {
                page = try await harness.client.search([("q", "otter"), ("limit", "2"), ("cursor", cursor)])
                seen += page.items.map(\.id)
            }
            #expect(seen.count == 5 && Set(seen) == Set(ids))

            let first = try await harness.client.search([("q", "otter"), ("limit", "2")])
            let cursor = try #require(first.nextCursor)
            let mismatched = try await harness.raw("GET", "/v1/generations?q=beaver&cursor=\(cursor)")
            #expect(mismatched.status == 400 && mismatched.body.contains("invalid_cursor"))
            for (parameter, value) in [
                ("resolution", "huge"), ("has_audio", "maybe"), ("min_duration", "-1"),
                ("input", "abc"), ("from", "yesterday"), ("cursor", "%21%21"), ("limit", "0"),
            ] {
                let answer = try await harness.raw("GET", "/v1/generations?\(parameter)=\(value)")
                #expect(answer.status == 400 && answer.body.contains(parameter), "\(parameter)=\(value): \(answer.body)")
            }
        }
    }
}
