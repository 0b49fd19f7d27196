/// A team's spend in one group (a model, a UTC day, a tag) or in total: what the provider billed, and what
/// deduplication saved.
public struct SpendTally: Sendable, Hashable {
    /// The model slug, the UTC day (`2026-11-25`), the tag (`(untagged)` for none), or `total`.
    public var key: String
    public var generations: Int
    public var spentUSD: Double
    /// Generations whose cost the provider has not (yet) settled.
    public var unknownCost: Int
    public var dedupHits: Int
    public var savedUSD: Double
    public var predictTimeS: Double

    public static func empty(_ key: String) -> SpendTally {
        SpendTally(key: key, generations: 0, spentUSD: 0, unknownCost: 0, dedupHits: 0, savedUSD: 0, predictTimeS: 0)
    }
}
