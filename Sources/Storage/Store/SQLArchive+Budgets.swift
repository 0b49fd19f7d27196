import Foundation
import VaultDomain

/// A team's monthly spend limit, checked in the transaction that records a generation.
public struct SpendBudget: Sendable {
    public var limitUSD: Double
    /// The start of the month the limit applies to.
    public var monthStart: Date

    public init(limitUSD: Double, monthStart: Date) { (self.limitUSD, self.monthStart) = (limitUSD, monthStart) }
}

/// A create refused because its estimate would take the team past its monthly budget.
public struct BudgetExceeded: Error, Sendable {
    public var spentUSD: Double
    public var limitUSD: Double
    public var estimateUSD: Double
}

/// Team budgets: limits set by the operator, and the spend a month's limit is measured against.
extension SQLArchive {
    /// Sets or clears (`.some(nil)`) a team's limits, leaving those not given (`nil`) as they are; nil when there is
    /// no such team.
    public func setTeamLimits(name: String, budgetUSD: Double??, storageLimitBytes: Int64??) async throws -> Team? {
        try await writing { db in
            if let budgetUSD { try db.execute("UPDATE teams SET budget_usd = \(budgetUSD) WHERE name = \(name)") }
            if let storageLimitBytes {
                try db.execute("UPDATE teams SET storage_limit_bytes = \(storageLimitBytes) WHERE name = \(name)")
            }
            return try db.fetchOne(Team.self, "SELECT * FROM teams WHERE name = \(name)")
        }
    }

    public func team(id: String) async throws -> Team? {
        try await reading { db in try db.fetchOne(Team.self, "SELECT * FROM teams WHERE id = \(id)") }
    }

    public func teams() async throws -> [Team] {
        try await reading { db in try db.fetchAll(Team.self, "SELECT * FROM teams ORDER BY name") }
    }

    /// What the team has committed to spend on generations created since `monthStart`: costs the provider reported,
    /// the estimates of those still running, and what deleted generations cost.
    public func monthSpend(teamID: String, since monthStart: Date) async throws -> Double {
        try await reading { db in try Self.committedSpend(db, teamID: teamID, since: monthStart) }
    }

    /// Every team's committed spend since `monthStart`, by team name.
    public func spendByTeam(since monthStart: Date) async throws -> [String: Double] {
        try await reading { db in
            let rows = try db.rows(
                """
                SELECT t.name AS name, (
                    SELECT coalesce(sum(\(raw: Self.committedUSD)), 0) FROM generations
                    WHERE team_id = t.id AND created_at >= \(monthStart)) + (
                    SELECT coalesce(sum(usd), 0) FROM spend_of_deleted WHERE team_id = t.id AND created_at >= \(monthStart)
                ) AS usd FROM teams t
                """)
            return try Dictionary(rows.map { (try $0["name"] as String, try $0["usd"] as Double) }) { first, _ in first }
        }
    }

    /// A generation's part of its team's spend: the reported cost, else (while it may still be charged) the
    /// estimate; a failed or cancelled generation without a reported cost costs nothing.
    static var committedUSD: String {
        """
        CASE WHEN status IN ('\(GenerationStatus.failed.rawValue)', '\(GenerationStatus.cancelled.rawValue)')
        THEN coalesce(cost_usd, 0) ELSE coalesce(cost_usd, estimated_cost_usd, 0) END
        """
    }

    static func committedSpend(_ db: any SQLSession, teamID: String, since monthStart: Date) throws -> Double {
        try db.value(
            Double.self,
            """
            SELECT (
                SELECT coalesce(sum(\(raw: committedUSD)), 0) FROM generations
                WHERE team_id = \(teamID) AND created_at >= \(monthStart)) + (
                SELECT coalesce(sum(usd), 0) FROM spend_of_deleted WHERE team_id = \(teamID) AND created_at >= \(monthStart))
            """) ?? 0
    }

    /// Refuses (`BudgetExceeded`) a generation whose estimate would take its team past `budget`: called in the
    /// transaction that records it, with the team's spend held (two creates at once see each other).
    static func checkBudget(_ db: any SQLSession, _ generation: Generation, _ budget: SpendBudget) throws {
        guard let teamID = generation.teamID else { return }
        try db.lock(request: "spend of \(teamID)")
        let spent = try committedSpend(db, teamID: teamID, since: budget.monthStart)
        let estimate = generation.estimatedCostUSD ?? 0
        // In hundredths of a cent, so float sums never refuse a create that lands exactly on the limit; a spent
        // budget refuses unpriced models too.
        func units(_ usd: Double) -> Double { (usd * 10000).rounded() }
        guard units(spent + estimate) <= units(budget.limitUSD), units(spent) < units(budget.limitUSD) else {
            throw BudgetExceeded(spentUSD: spent, limitUSD: budget.limitUSD, estimateUSD: estimate)
        }
    }
}
