import Crypto
import EachLabs
import Foundation

/// The seed catalogue of video models the simulator serves, embedded in the binary at build time.
public struct SimulatedCatalogue: Sendable {
    public let models: [ProviderModel]
    private let bySlug: [String: ProviderModel]

    public init() {
        guard let data = EmbeddedFiles.data(named: "video-models.json"),
            let models = try? JSONDecoder().decode([ProviderModel].self, from: data)
        else { fatalError("the embedded video-models.json is missing or unreadable: the build is broken") }
        self.models = models
        self.bySlug = Dictionary(models.map { ($0.slug, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func model(slug: String) -> ProviderModel? { bySlug[slug] }

    /// The single-model read adds a price. The seed catalogue has none, so the simulator makes a stable one per
    /// model: usage-based, per second of video, between $0.05 and $0.14.
    public func pricedModel(slug: String) -> ProviderModel? {
        guard var model = bySlug[slug] else { return nil }
        let rate = Self.ratePerSecond(slug: slug)
        model.cost = ModelCost(
            type: "usage_based", amount: rate, unit: "second", estimate: rate * 5, min: rate,
            max: rate, dependsOn: ["duration"])
        return model
    }

    static func ratePerSecond(slug: String) -> Double {
        let digest = Array(SHA256.hash(data: Data(slug.utf8)))
        return 0.05 + Double(digest[0] % 10) / 100
    }
}
