import Hummingbird
import Storage
import VaultContract
import VaultDomain
import Workers

/// `GET /v1/spend`: what the team spent at the provider, and what deduplication saved.
struct SpendController<UseCases: SpendUseCases> {
    let archive: UseCases

    func addRoutes(to group: RouterGroup<VaultRequestContext>) {
        group.get("spend", use: spend)
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
