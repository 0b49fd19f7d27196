import VaultDomain
/// Money per group: what the provider billed (`metrics.cost`) and what deduplication saved.
public struct SpendRow: Sendable, Codable, Hashable {
    /// The model slug, the UTC day (`2026-11-25`), or the tag (`(untagged)` for none).
    public var key: String
    public var generations: Int
    public var spentUSD: Double
    /// Generations the provider has not (yet) settled a cost for: unknown, never counted as free.
    public var unknownCost: Int
    /// Later requests answered by an earlier generation instead of a new prediction, and what they would have cost.
    public var dedupHits: Int
    public var savedUSD: Double
    public var predictTimeS: Double

    public init(
        key: String, generations: Int, spentUSD: Double, unknownCost: Int, dedupHits: Int, savedUSD: Double,
        predictTimeS: Double
    ) {
        self.key = key
        self.generations = generations
        self.spentUSD = spentUSD
        self.unknownCost = unknownCost
        self.dedupHits = dedupHits
        self.savedUSD = savedUSD
        self.predictTimeS = predictTimeS
    }

    enum CodingKeys: String, CodingKey {
        case key, generations
        case spentUSD = "spent_usd"
        case unknownCost = "unknown_cost"
        case dedupHits = "dedup_hits"
        case savedUSD = "saved_usd"
        case predictTimeS = "predict_time_s"
    }
}

/// `GET /v1/spend`: the team's rows, biggest first (days newest first), and the total.
public struct SpendReport: Sendable, Codable, Hashable {
    public var groupBy: SpendGrouping
    public var rows: [SpendRow]
    public var total: SpendRow

    public init(groupBy: SpendGrouping, rows: [SpendRow], total: SpendRow) {
        self.groupBy = groupBy
        self.rows = rows
        self.total = total
    }

    enum CodingKeys: String, CodingKey {
        case rows, total
        case groupBy = "group_by"
    }
}
