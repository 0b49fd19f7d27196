import EachLabs
import Hummingbird
import VaultContract
import Workers

/// `/v1/endpoints`: a team's outgoing webhook endpoints, their delivery logs, and replays.
struct EndpointsController<UseCases: EndpointUseCases> {
    let archive: UseCases

    func addRoutes(to group: RouterGroup<VaultRequestContext>) {
        group.post(use: create)
        group.get(use: list)
        group.patch("{id}", use: update)
        group.delete("{id}", use: delete)
        group.get("{id}/deliveries", use: deliveries)
        group.post("{id}/deliveries/{message}/replay", use: replay)
    }

    @Sendable func create(_ request: Request, context: VaultRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(
            EndpointRequest.self, context: context, example: #"{"url": "https://...", "events": ["generation.completed"]}"#)
        let created = try await refusing { try await archive.createEndpoint(body, teamID: try context.requireTeam().id) }
        return try EditedResponse(status: .created, response: created).response(from: request, context: context)
    }

    @Sendable func list(_ request: Request, context: VaultRequestContext) async throws -> [EndpointView] {
        try await archive.endpoints(teamID: try context.requireTeam().id)
    }

    @Sendable func update(_ request: Request, context: VaultRequestContext) async throws -> EndpointView {
        let body = try await request.decodeJSON(
            EndpointRequest.self, context: context, example: #"{"enabled": true, "events": ["asset.stored"]}"#)
        let id = try context.parameters.require("id")
        guard let updated = try await refusing({ try await archive.updateEndpoint(id: id, body, teamID: try context.requireTeam().id) })
        else { throw APIError.notFound("endpoint") }
        return updated
    }

    @Sendable func delete(_ request: Request, context: VaultRequestContext) async throws -> Response {
        guard try await archive.deleteEndpoint(id: try context.parameters.require("id"), teamID: try context.requireTeam().id)
        else { throw APIError.notFound("endpoint") }
        return Response(status: .noContent)
    }

    /// `?limit=` 1–200 (default 50), newest message first.
    @Sendable func deliveries(_ request: Request, context: VaultRequestContext) async throws -> [DeliveryView] {
        let limitText = request.uri.queryParameters.get("limit")
        let limit = limitText.map { Int($0) ?? 0 } ?? 50
        guard (1...200).contains(limit) else {
            throw APIError.badRequest("limit must be a whole number from 1 to 200")
        }
        guard
            let log = try await archive.deliveries(
                endpointID: try context.parameters.require("id"), teamID: try context.requireTeam().id, limit: limit)
        else { throw APIError.notFound("endpoint") }
        return log
    }

    @Sendable func replay(_ request: Request, context: VaultRequestContext) async throws -> Response {
        guard
            try await archive.replay(
                messageID: try context.parameters.require("message"), endpointID: try context.parameters.require("id"),
                teamID: try context.requireTeam().id)
        else { throw APIError.notFound("message") }
        return try EditedResponse(status: .accepted, response: StatusAnswer("replaying")).response(from: request, context: context)
    }

    /// An endpoint refused field by field becomes the API's 422 with those fields.
    private func refusing<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let refusal as EndpointRefusal {
            throw APIError(
                status: .unprocessableContent, code: "invalid_endpoint",
                message: refusal.problems.map { "\($0.field) \($0.problem)" }.joined(separator: "; "),
                fields: refusal.problems.map { FieldProblem(field: $0.field, problem: $0.problem) })
        }
    }
}
