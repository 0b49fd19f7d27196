import Foundation
import Storage
import VaultContract

/// Team budgets: a monthly spend limit checked (by the model's estimate) before a create is recorded, and a storage
/// limit that refuses new creates and pauses the team's downloads while its files take more.
extension Vault {
    /// The calendar month (UTC) `date` falls in: its start and the next month's.
    public static func month(of date: Date) -> (start: Date, end: Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .gmt
        let start = calendar.dateInterval(of: .month, for: date)
        return (start?.start ?? date, start?.end ?? date)
    }

    /// The bytes the team's files take, counted again at most every `storageRecount` (a count over its files).
    func storageUsed(teamID: String) async throws -> Int64 {
        if let known = storageUsage[teamID], now().timeIntervalSince(known.at) < settings.storageRecount.seconds {
            return known.bytes
        }
        let bytes = try await store.storageBytes(teamID: teamID)
        storageUsage.insert((bytes, now()), for: teamID)
        return bytes
    }

    /// The team's budgets and what it used of them (`GET /v1/team`, the gallery, the spend page).
    public func budgetStatus(teamID: String) async throws -> TeamBudgetStatus? {
        guard let team = try await store.team(id: teamID) else { return nil }
        let month = Self.month(of: now())
        let spent = try await store.monthSpend(teamID: teamID, since: month.start)
        return Self.status(of: team, month: month, spentUSD: spent, storageBytes: try await storageUsed(teamID: teamID))
    }

    /// Every team's budgets and use, by name (`/admin/teams`, `/metrics`): three queries, however many teams.
    public func budgetStatuses() async throws -> [TeamBudgetStatus] {
        let month = Self.month(of: now())
        let spent = try await store.spendByTeam(since: month.start)
        let stored = try await store.storageByTeam()
        return try await store.teams().map { team in
            Self.status(of: team, month: month, spentUSD: spent[team.name] ?? 0, storageBytes: stored[team.name] ?? 0)
        }
    }

    private static func status(of team: Team, month: (start: Date, end: Date), spentUSD: Double, storageBytes: Int64)
        -> TeamBudgetStatus
    {
        TeamBudgetStatus(
            team: team.name, month: month.start, monthEnds: month.end, spentUSD: (spentUSD * 10000).rounded() / 10000,
            budgetUSD: team.budgetUSD, storageBytes: storageBytes, storageLimitBytes: team.storageLimitBytes)
    }

    /// Sets or clears a team's limits (`.some(nil)` clears, nil keeps); its status after, nil for no such team.
    /// Downloads that waited for a raised storage limit go again within `storageRecount`.
    public func setTeamLimits(name: String, _ limits: TeamLimitsRequest) async throws -> TeamBudgetStatus? {
        guard
            let team = try await store.setTeamLimits(
                name: name, budgetUSD: limits.budgetUSD, storageLimitBytes: limits.storageLimitBytes)
        else { return nil }
        return try await budgetStatus(teamID: team.id)
    }

    /// Refuses a create for a team whose files already take its storage limit; the budget a create is checked
    /// against in the transaction that records it (nil without one).
    func limits(of teamID: String) async throws(SubmissionError) -> SpendBudget? {
        let team: Team?
        do { team = try await store.team(id: teamID) } catch { throw storeFailure(error, while: "reading the team's limits") }
        if let limit = team?.storageLimitBytes {
            let used: Int64
            do { used = try await storageUsed(teamID: teamID) } catch {
                throw storeFailure(error, while: "counting the team's storage")
            }
            if used >= limit { throw .storageLimitReached(usedBytes: used, limitBytes: limit) }
        }
        return team?.budgetUSD.map { SpendBudget(limitUSD: $0, monthStart: Self.month(of: now()).start) }
    }

    /// Why a team's downloads wait (its files take its storage limit), or nil when they may go on.
    func downloadsPaused(teamID: String?) async throws -> String? {
        guard let teamID, let limit = try await store.team(id: teamID)?.storageLimitBytes else { return nil }
        let used = try await storageUsed(teamID: teamID)
        guard used >= limit else { return nil }
        return "the team's files take \(used) bytes of its \(limit)-byte storage limit: downloads wait until it is raised or files are deleted"
    }
}
