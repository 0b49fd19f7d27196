import Foundation
import VaultDomain

extension SQLArchive {
    /// The team's spend per model, day or tag, biggest first (days newest first), created within [from, to).
    /// A generation with several tags counts under each; the total counts it once.
    public func spend(teamID: String, groupBy: SpendGrouping, from: Date?, to: Date?) async throws
        -> (rows: [SpendTally], total: SpendTally)
    {
        let key =
            switch groupBy {
            case .model: "g.model"
            case .day: dialect.utcDay("g.created_at")
            case .tag: "coalesce(t.value, '(untagged)')"
            }
        let join = groupBy == .tag ? dialect.eachTag : ""
        let order = groupBy == .day ? "spend_key DESC" : "spent_usd DESC, spend_key"
        let columns = """
            count(*) AS generations, coalesce(sum(g.cost_usd), 0) AS spent_usd,
            sum(CASE WHEN g.cost_usd IS NULL AND g.status NOT IN ('failed', 'cancelled') THEN 1 ELSE 0 END) AS unknown_cost,
            sum(g.dedup_hits) AS dedup_hits, coalesce(sum(g.dedup_hits * g.cost_usd), 0) AS saved_usd,
            coalesce(sum(g.predict_time_s), 0) AS predict_time_s
            """
        let (start, end) = (from?.unix ?? -Double.greatestFiniteMagnitude, to?.unix ?? Double.greatestFiniteMagnitude)
        let scope: SQLText = "g.team_id = \(teamID) AND g.created_at >= \(start) AND g.created_at < \(end)"
        return try await reading { db in
            let rows = try db.rows(
                """
                SELECT \(raw: key) AS spend_key, \(raw: columns) FROM generations g \(raw: join) WHERE \(scope)
                GROUP BY spend_key ORDER BY \(raw: order)
                """)
            let total = try db.row("SELECT 'total' AS spend_key, \(raw: columns) FROM generations g WHERE \(scope)")
            return try (rows.map(Self.tally), total.map(Self.tally) ?? .empty("total"))
        }
    }

    private static func tally(_ row: SQLRow) throws -> SpendTally {
        func money(_ value: Double) -> Double { (value * 10000).rounded() / 10000 }
        return try SpendTally(
            key: row["spend_key"], generations: row["generations"], spentUSD: money(row["spent_usd"]),
            unknownCost: row["unknown_cost"] ?? 0, dedupHits: row["dedup_hits"] ?? 0,
            savedUSD: money(row["saved_usd"]), predictTimeS: money(row["predict_time_s"]))
    }
}
