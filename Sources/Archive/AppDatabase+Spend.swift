import Foundation
import GRDB
import VaultContract

extension AppDatabase {
    /// The team's spend per model, day or tag, biggest first (days newest first), created within [from, to).
    /// A generation with several tags counts under each; the total counts it once.
    public func spend(teamID: String, groupBy: SpendGrouping, from: Date?, to: Date?) async throws -> SpendReport {
        let key =
            switch groupBy {
            case .model: "g.model"
            case .day: "date(g.created_at, 'unixepoch')"
            case .tag: "coalesce(t.value, '(untagged)')"
            }
        let join = groupBy == .tag ? "LEFT JOIN json_each(g.tags) t" : ""
        let order = groupBy == .day ? "key DESC" : "spent_usd DESC, key"
        let columns = """
            count(*) AS generations, coalesce(sum(g.cost_usd), 0) AS spent_usd,
            sum(g.cost_usd IS NULL AND g.status != 'failed' AND g.status != 'cancelled') AS unknown_cost,
            sum(g.dedup_hits) AS dedup_hits, coalesce(sum(g.dedup_hits * g.cost_usd), 0) AS saved_usd,
            coalesce(sum(g.predict_time_s), 0) AS predict_time_s
            """
        let scope = "g.team_id = ? AND g.created_at >= ? AND g.created_at < ?"
        let arguments: StatementArguments = [
            teamID, from?.unix ?? -Double.greatestFiniteMagnitude,
            to?.unix ?? Double.greatestFiniteMagnitude,
        ]
        return try await read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT \(key) AS key, \(columns) FROM generations g \(join) WHERE \(scope) GROUP BY key ORDER BY \(order)",
                arguments: arguments)
            let total = try Row.fetchOne(
                db, sql: "SELECT 'total' AS key, \(columns) FROM generations g WHERE \(scope)", arguments: arguments)
            return SpendReport(
                groupBy: groupBy, rows: rows.map(Self.spendRow),
                total: total.map(Self.spendRow)
                    ?? SpendRow(
                        key: "total", generations: 0, spentUSD: 0, unknownCost: 0, dedupHits: 0, savedUSD: 0,
                        predictTimeS: 0))
        }
    }

    private static func spendRow(_ row: Row) -> SpendRow {
        func money(_ value: Double) -> Double { (value * 10000).rounded() / 10000 }
        return SpendRow(
            key: row["key"], generations: row["generations"], spentUSD: money(row["spent_usd"]),
            unknownCost: row["unknown_cost"] ?? 0, dedupHits: row["dedup_hits"] ?? 0,
            savedUSD: money(row["saved_usd"]), predictTimeS: money(row["predict_time_s"]))
    }
}
