import Testing
@testable import Workers

/// "Did you mean": the nearest slugs of the catalogue to a mistyped one, bounded in work whatever is typed.
@Suite(.timeLimit(.minutes(1))) struct ModelSuggestionsTests {
    static let catalogue: Set<String> = [
        "kling-v2-6-pro-text-to-video", "kling-v2-6-pro-image-to-video", "pixverse-v5-6-text-to-video",
        "pixverse-v5-6-transition", "veo-3", "hailuo-02",
    ]

    @Test func typosFindTheirModelAndNonsenseFindsNothing() {
        #expect(ModelSuggestions.nearest("pixverse-v5-6-text-to-vdeo", among: Self.catalogue).first == "pixverse-v5-6-text-to-video")
        #expect(ModelSuggestions.nearest("KLING-V2-6-PRO-TEXT-TO-VIDEO", among: Self.catalogue).first == "kling-v2-6-pro-text-to-video")
        #expect(ModelSuggestions.nearest("veo-4", among: Self.catalogue) == ["veo-3"])
        #expect(Set(ModelSuggestions.nearest("kling", among: Self.catalogue)).isSubset(of: Self.catalogue))
        #expect(ModelSuggestions.nearest("kling", among: Self.catalogue).count == 2, "a fragment names the models holding it")
        #expect(ModelSuggestions.nearest("zzzzzzzzzzzz", among: Self.catalogue).isEmpty)
        #expect(ModelSuggestions.nearest("", among: Self.catalogue).isEmpty)
        #expect(ModelSuggestions.nearest(String(repeating: "x", count: 100_000), among: Self.catalogue).isEmpty)
    }

    @Test func editDistanceStopsOnceItPassesItsBound() {
        #expect(ModelSuggestions.editDistance(Array("kitten".utf8), Array("sitting".utf8), atMost: 3) == 3)
        #expect(ModelSuggestions.editDistance(Array("kitten".utf8), Array("sitting".utf8), atMost: 2) == nil)
        #expect(ModelSuggestions.editDistance([], Array("ab".utf8), atMost: 2) == 2)
    }
}
