import Foundation
import Hummingbird
import Storage
import VaultContract
import Workers

/// `/spend`: what the team spent, per day and per model over a chosen range, as charts drawn on the server, with
/// the numbers of `GET /v1/spend` beside them.
extension GalleryController {
    @Sendable func spend(_ request: Request, context: VaultRequestContext) async throws -> Response {
        let visit = try context.requireVisit()
        let language = PageLanguage(request)
        let parameters = request.uri.queryParameters
        func value(_ name: String) -> String? { parameters.get(name).flatMap { $0.isEmpty ? nil : $0 } }
        // The last 30 days unless a range is chosen.
        let today = Date()
        let (from, to) = (value("from") ?? today.addingTimeInterval(-29 * 86400).isoDay, value("to") ?? today.isoDay)
        var page = SpendPage(team: visit.team.name, csrf: visit.formToken, from: from, to: to)
        guard let after = GenerationQuery.time(from, endOfDay: false), let before = GenerationQuery.time(to, endOfDay: true)
        else {
            page.error = language.text("spend_badRange")
            return pages.render(page, for: request, status: .badRequest)
        }
        // The same reports as `GET /v1/spend?group_by=model|day&from&to`.
        let models = try await archive.spend(teamID: visit.team.id, groupBy: .model, from: after, to: before)
        let days = try await archive.spend(teamID: visit.team.id, groupBy: .day, from: after, to: before)
        page.fill(
            models: models, days: Self.everyDay(of: days.rows, from: after, to: before),
            storage: try await archive.storageBytes(teamID: visit.team.id), in: language)
        if let status = try await archive.budgetStatus(teamID: visit.team.id) {
            page.fill(budget: status, in: language)
            page.notices = Self.budgetNotices(status, language)
        }
        return pages.render(page, for: request)
    }

    /// What the gallery and the spend page say while the team's budget is spent or its storage is full.
    static func budgetNotices(_ status: TeamBudgetStatus, _ language: PageLanguage) -> [String] {
        var notices: [String] = []
        if status.budgetSpent, let budget = status.budgetUSD {
            notices.append(
                language.text(
                    "msg_budgetSpent",
                    ["spent": language.dollars(status.spentUSD), "budget": language.dollars(budget), "renews": status.monthEnds.isoDay]))
        }
        if status.storageFull, let limit = status.storageLimitBytes {
            notices.append(
                language.text("msg_storageFull", ["used": language.bytes(status.storageBytes), "limit": language.bytes(limit)]))
        }
        return notices
    }

    /// The day rows from `start` up to `end`, a zero row for each day without generations, oldest first (up to 366
    /// days; a longer range shows the days that have rows).
    static func everyDay(of rows: [SpendRow], from start: Date, to end: Date) -> [SpendRow] {
        let byDay = Dictionary(rows.map { ($0.key, $0) }) { first, _ in first }
        guard start < end, end.timeIntervalSince(start) <= 366 * 86400 else { return rows.sorted { $0.key < $1.key } }
        return stride(from: start.timeIntervalSince1970, to: end.timeIntervalSince1970, by: 86400).map {
            let key = Date(timeIntervalSince1970: $0).isoDay
            return byDay[key]
                ?? SpendRow(key: key, generations: 0, spentUSD: 0, unknownCost: 0, dedupHits: 0, savedUSD: 0, predictTimeS: 0)
        }
    }
}
