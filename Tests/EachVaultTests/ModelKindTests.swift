import EachLabs
import TestSupport
import Testing

@Suite(.timeLimit(.minutes(5))) struct ModelKindTests {
    @Test func everyCatalogueModelGetsAKindAndTheFinerKindsAreFound() async throws {
        let kinds = Dictionary(grouping: try Fixtures.catalogue, by: \.kind).mapValues(\.count)
        #expect(Set(kinds.keys) == Set(ProviderModel.Kind.allCases), "\(kinds)")
        let expected: [String: ProviderModel.Kind] = [
            "kling-v2-6-pro-text-to-video": .textToVideo,
            "pixverse-v5-6-image-to-video": .imageToVideo,
            "seedance-v1-5-pro-image-to-video": .imageToVideo,  // an optional end frame is not a transition
            "pixverse-v5-6-transition": .transition,
            "pico-motion-transition": .transition,
            "kling-v2-6-pro-motion-control": .motionControl,
            "motion-video-14b": .motionControl,
            "runway-act-two": .motionControl,
            "kling-avatar-v2-pro": .avatar,
            "bytedance-omnihuman": .avatar,
            "character-3": .avatar,
            "stable-avatar": .avatar,
        ]
        for (slug, kind) in expected {
            #expect(try Fixtures.catalogue.first { $0.slug == slug }?.kind == kind, "\(slug)")
        }
    }
}
