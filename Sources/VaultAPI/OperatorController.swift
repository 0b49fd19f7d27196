import EachLabs
import Foundation
import Hummingbird
import Transport
import VaultContract
import Workers

/// `/admin`: what only the operator may do over HTTP, with the operator's own token (`EACHVAULT_OPERATOR_TOKEN`;
/// without one configured the routes answer 404, without the token or with another one 401): every team's budgets,
/// and setting them.
struct OperatorController<UseCases: OperatorUseCases> {
    let archive: UseCases
    let token: String?

    func addRoutes(to group: RouterGroup<VaultRequestContext>) {
        group.get("teams", use: teams)
        group.patch("teams/{name}", use: update)
    }

    private func requireOperator(_ request: Request) throws {
        guard let token else { throw APIError.notFound("route (set EACHVAULT_OPERATOR_TOKEN to turn the operator's routes on)") }
        guard let presented = request.bearerToken, ConstantTime.equals(presented, token) else {
            throw APIError(
                status: .unauthorized, code: "unauthenticated",
                message: "send the operator's token (EACHVAULT_OPERATOR_TOKEN) as Authorization: Bearer <token>")
        }
    }

    /// `GET /admin/teams`: every team with its limits and what it used of them.
    @Sendable func teams(_ request: Request, context: VaultRequestContext) async throws -> Response {
        try requireOperator(request)
        return try TeamBudgetList(teams: try await archive.budgetStatuses()).response(from: request, context: context)
    }

    /// `PATCH /admin/teams/{name}` with `{"budget_usd"?: 50 | null, "storage_limit_bytes"?: 1e11 | null}`.
    @Sendable func update(_ request: Request, context: VaultRequestContext) async throws -> Response {
        try requireOperator(request)
        let name = try context.parameters.require("name")
        let body = try await request.decodeJSON(
            TeamLimitsRequest.self, context: context, example: #"{"budget_usd": 50, "storage_limit_bytes": null}"#)
        let problems = body.problems
        guard problems.isEmpty else {
            throw APIError(
                status: .unprocessableContent, code: "invalid_request",
                message: problems.map { "\($0.field): \($0.problem)" }.joined(separator: "; "),
                fields: problems.map { FieldProblem(field: $0.field, problem: $0.problem) })
        }
        guard let status = try await archive.setTeamLimits(name: name, body) else { throw APIError.notFound("team") }
        return try status.response(from: request, context: context)
    }
}
