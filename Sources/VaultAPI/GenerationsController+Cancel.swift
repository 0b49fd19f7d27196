import Hummingbird
import Storage
import Workers

extension GenerationsController {
    /// `POST /v1/generations/{id}/cancel`: 200 with the cancelled generation (again, for one cancelled before), 202
    /// while the provider is still stopping it, 409 when it ended first or its create is in flight.
    @Sendable func cancel(_ request: Request, context: VaultRequestContext) async throws -> Response {
        let (id, team) = (try context.parameters.require("id"), try context.requireTeam())
        let generation: Generation
        do {
            generation = try await archive.cancelGeneration(id: id, teamID: team.id)
        } catch let refusal as CancelRefusal {
            throw refusal.apiError
        }
        return try await respond(
            with: id, team: team, request: request, context: context,
            status: generation.status == .cancelled ? .ok : .accepted)
    }
}

extension CancelRefusal {
    var apiError: APIError {
        switch self {
        case .notFound:
            .notFound("generation")
        case .finished(let status):
            APIError(
                status: .conflict, code: "already_final",
                message: "the generation is \(status.rawValue): it ended before the cancel, and nothing was stopped")
        case .createInFlight:
            APIError(
                status: .conflict, code: "create_in_flight",
                message: "the create is on its way to the provider, so there is no prediction to stop yet; cancel again "
                    + "in a few seconds", retryAfter: 5)
        case .provider(let cause):
            APIError(
                status: cause.isTransient ? .serviceUnavailable : .badGateway, code: "provider_unavailable",
                message: "the provider could not be asked to cancel (\(cause)); nothing was changed, try again shortly",
                retryAfter: cause.isTransient ? 5 : nil)
        }
    }
}
