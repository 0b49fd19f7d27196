import EachLabs
import Foundation
import TestSupport
import Testing
import VaultContract
import VaultDomain

/// The API's JSON: snake_case names derived from the Swift ones (acronyms whole), ISO 8601 dates, and a
/// generation's input keys exactly as the team sent them.
@Suite(.timeLimit(.minutes(5))) struct ContractTests {
    @Test(arguments: [
        ("predictionID", "prediction_id"), ("sourceURL", "source_url"), ("costUSD", "cost_usd"),
        ("durationS", "duration_s"), ("predictionIDs", "prediction_ids"), ("snippetParts", "snippet_parts"),
        ("sha256", "sha256"), ("expiresInS", "expires_in_s"), ("groupBy", "group_by"), ("id", "id"), ("tokenSHA256", "token_sha256"),
    ])
    func namesConvertBothWays(swift: String, wire: String) {
        #expect(SnakeCase.snake(swift) == wire)
        #expect(SnakeCase.camel(wire) == swift)
    }

    @Test func aGenerationEncodesWithTheDocumentedNamesAndKeepsItsInputKeys() async throws {
        var view = GenerationView(
            id: "gen_1", model: "m", version: "1", input: ["aspect_ratio": "16:9", "negativePrompt": "x"],
            prompt: "p", status: .completed, predictionID: "pred", error: nil, costUSD: 0.5, predictTimeS: 3,
            origin: "submitted", createdAt: Date(timeIntervalSince1970: 1_764_000_000), completedAt: nil, tags: [],
            note: nil,
            assets: [
                .init(
                    sha256: "ab", size: 1, contentType: "video/mp4", durationS: 5, width: 1, height: 1, videoCodec: "avc1",
                    hasAudio: false, sourceURL: "https://x", url: "/v1/files/ab")
            ], inputs: [], history: nil)
        view.snippetParts = [SnippetPart(text: "p", match: true)]
        let data = try ContractJSON.encoder().encode(view)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys).isSuperset(of: ["prediction_id", "cost_usd", "predict_time_s", "created_at", "snippet_parts"]))
        #expect(object["created_at"] as? String == "2025-11-24T16:00:00Z")
        #expect((object["input"] as? [String: Any]).map { Set($0.keys) } == ["aspect_ratio", "negativePrompt"])
        let asset = try #require((object["assets"] as? [[String: Any]])?.first)
        #expect(
            Set(asset.keys) == ["sha256", "size", "content_type", "duration_s", "width", "height", "video_codec", "has_audio", "source_url", "url"])

        let decoded = try ContractJSON.decoder().decode(GenerationView.self, from: data)
        #expect(decoded.input == view.input && decoded.predictionID == "pred" && decoded.assets[0].sourceURL == "https://x")
        #expect(decoded.createdAt == view.createdAt && decoded.snippetParts == view.snippetParts)
    }

    @Test func requestsDecodeFromTheirDocumentedBodies() async throws {
        let decoder = ContractJSON.decoder()
        let imports = try decoder.decode(ImportRequest.self, from: Data(#"{"prediction_ids": ["a", "b"]}"#.utf8))
        #expect(imports.predictionIDs == ["a", "b"] && imports.model == nil)
        let share = try decoder.decode(ShareRequest.self, from: Data(#"{"expires_in_s": 60}"#.utf8))
        #expect(share.expiresInS == 60)
        // A note left out is left alone; null clears it.
        let untouched = try decoder.decode(AnnotationRequest.self, from: Data(#"{"tags": ["a"]}"#.utf8))
        let cleared = try decoder.decode(AnnotationRequest.self, from: Data(#"{"note": null}"#.utf8))
        #expect(untouched.tags == ["a"] && untouched.note == .none)
        #expect(cleared.tags == nil && cleared.note == .some(nil))
        let outcome = try decoder.decode(ImportResult.self, from: Data(#"{"prediction_id": "p", "outcome": "already_archived"}"#.utf8))
        #expect(outcome.outcome == .alreadyArchived)
    }

    /// Every contract type's JSON names are its properties' names by the naming rule: the `CodingKeys` spelled by
    /// hand (for speed) can never drift from it.
    @Test func everyTypesKeysFollowTheNamingRule() async throws {
        let date = Date(timeIntervalSince1970: 0)
        let asset = GenerationView.AssetView(
            sha256: "a", size: 1, contentType: "t", durationS: 1, width: 1, height: 1, videoCodec: "c", hasAudio: true,
            sourceURL: "s", url: "u")
        let input = GenerationView.InputView(
            field: "f", position: 0, sourceURL: "s", sha256: "a", size: 1, contentType: "t", url: "u", error: "e")
        var view = GenerationView(
            id: "g", model: "m", version: "1", input: [:], prompt: "p", status: .completed, predictionID: "p",
            error: .init(code: "c", message: "m"), costUSD: 1, predictTimeS: 1, origin: "o", createdAt: date,
            completedAt: date, tags: [], note: "n", assets: [asset], inputs: [input],
            history: [.init(at: date, kind: "k", detail: "d")])
        view.snippet = "s"
        view.snippetParts = [SnippetPart(text: "t", match: true)]
        view.deduplicatedFrom = "g0"
        let row = SpendRow(key: "k", generations: 1, spentUSD: 1, unknownCost: 1, dedupHits: 1, savedUSD: 1, predictTimeS: 1)
        let samples: [any Encodable] = [
            view, asset, input, GenerationPage(items: [view], nextCursor: "c"),
            GenerationRequest(model: "m", version: "1", input: [:], tags: [], dedup: true),
            GenerationPlan(
                valid: true, problems: [], requestKey: "k", exactMatch: "g", similar: [],
                costEstimate: CostEstimate(usd: 1, basis: "b")),
            ImportRequest(predictionIDs: ["p"], model: "m"), ImportResult(predictionID: "p", outcome: .imported, generationID: "g", message: "m"),
            row, SpendReport(groupBy: .model, rows: [row], total: row),
            UploadedFile(sha256: "a", size: 1, contentType: "t", reference: "r", url: "u"), ShareRequest(expiresInS: 1),
            CreatedShare(id: "s", url: "u", expiresAt: date), ModelSummary(slug: "s", title: "t", version: "1", category: "c"),
        ]
        for sample in samples {
            let object = try #require(
                try JSONSerialization.jsonObject(with: ContractJSON.encoder().encode(sample)) as? [String: Any])
            let expected = Mirror(reflecting: sample).children.compactMap { child -> String? in
                guard let label = child.label else { return nil }
                if case Optional<Any>.none = child.value as Any? { return nil }
                let mirror = Mirror(reflecting: child.value)
                if mirror.displayStyle == .optional && mirror.children.isEmpty { return nil }
                return SnakeCase.snake(label)
            }
            #expect(Set(object.keys) == Set(expected), "\(type(of: sample))")
        }
    }
}
