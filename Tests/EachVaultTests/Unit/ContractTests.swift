import EachLabs
import Foundation
import Testing
import VaultContract

/// The API's JSON: snake_case names derived from the Swift ones (acronyms whole), ISO 8601 dates, and a
/// generation's input keys exactly as the team sent them.
@Suite struct ContractTests {
    @Test(arguments: [
        ("predictionID", "prediction_id"), ("sourceURL", "source_url"), ("costUSD", "cost_usd"),
        ("durationS", "duration_s"), ("predictionIDs", "prediction_ids"), ("snippetParts", "snippet_parts"),
        ("sha256", "sha256"), ("expiresInS", "expires_in_s"), ("groupBy", "group_by"), ("id", "id"), ("tokenSHA256", "token_sha256"),
    ])
    func namesConvertBothWays(swift: String, wire: String) {
        #expect(SnakeCase.snake(swift) == wire)
        #expect(SnakeCase.camel(wire) == swift)
    }

    @Test func aGenerationEncodesWithTheDocumentedNamesAndKeepsItsInputKeys() throws {
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

    @Test func requestsDecodeFromTheirDocumentedBodies() throws {
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
}
