import Hummingbird
import Storage
import VaultContract
import VaultDomain
import Workers

/// `GET /v1/spend`: what the team spent at the provider, and what deduplication saved; `GET /v1/team`: the team
/// and its budgets.
struct SpendController<UseCases: SpendUseCases> {
    let archive: UseCases

    func addRoutes(to group: RouterGroup<VaultRequestContext>) {
        group.get("spend", use: spend)
        group.get("team", use: team)
    }

    /// `GET /v1/team`: who the token acts for, its monthly budget and storage limit, and what it used of them.
    @Sendable func team(_ request: Request, context: VaultRequestContext) async throws -> Response {
        let team = try context.requireTeam()
        guard let status = try await archive.budgetStatus(teamID: team.id) else { throw APIError.notFound("team") }
        return try status.response(from: request, context: context)
    }

    /// `GET /v1/spend?group_by=model|day|tag&from&to`.
    @Sendable func spend(_ request: Request, context: VaultRequestContext) async throws -> Response {
        let parameters = request.uri.queryParameters
        let grouping =
            try parameters.get("group_by").map { text in
                guard let value = SpendGrouping(rawValue: text) else {
                    throw APIError.badRequest("group_by must be one of model, day, tag")
                }
                return value
            } ?? .model
        let team = try context.requireTeam()
        let window = try GenerationQuery(teamID: team.id, parameters: parameters)
        return try await archive.spend(
            teamID: team.id, groupBy: grouping, from: window.createdAfter, to: window.createdBefore
        ).response(from: request, context: context)
    }
}
