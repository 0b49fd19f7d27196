import Foundation
import Hummingbird
import Storage
import VaultContract
import Workers

/// `/settings`: the team's outgoing webhook endpoints (add, enable or disable, deliveries) for every member, and its
/// tokens (create, revoke) for a session started with an admin token.
extension GalleryController {
    @Sendable func settings(_ request: Request, context: VaultRequestContext) async throws -> Response {
        try await renderSettings(context.requireVisit(), request)
    }

    /// `POST /settings/endpoints`: a new endpoint; its secret is shown once.
    @Sendable func addEndpoint(_ request: Request, context: VaultRequestContext) async throws -> Response {
        let visit = try context.requireVisit()
        do {
            let endpoint = try await archive.createEndpoint(
                EndpointRequest(url: visit.form["url"] ?? "", events: nil), teamID: visit.team.id)
            return try await renderSettings(visit, request, revealed: (endpoint.secret ?? "", "settings_secretShown"))
        } catch let refusal as EndpointRefusal {
            let problem = refusal.problems.map { "\($0.field) \($0.problem)" }.joined(separator: "; ")
            return try await renderSettings(visit, request, problem: problem)
        }
    }

    /// `POST /settings/endpoints/{id}`: `enabled=1` or `0`.
    @Sendable func toggleEndpoint(_ request: Request, context: VaultRequestContext) async throws -> Response {
        let visit = try context.requireVisit()
        let request = EndpointRequest(url: nil, events: nil, enabled: visit.form["enabled"] == "1")
        _ = try await archive.updateEndpoint(id: try context.parameters.require("id"), request, teamID: visit.team.id)
        return .redirect(to: "/settings", type: .normal)
    }

    /// `/settings/endpoints/{id}`: its latest messages and their attempts.
    @Sendable func endpointDeliveries(_ request: Request, context: VaultRequestContext) async throws -> Response {
        let visit = try context.requireVisit()
        let id = try context.parameters.require("id")
        let language = PageLanguage(request)
        guard let endpoint = try await archive.endpoints(teamID: visit.team.id).first(where: { $0.id == id }),
            let deliveries = try await archive.deliveries(endpointID: id, teamID: visit.team.id, limit: 100)
        else { return notFound(request) }
        let rows = deliveries.map { delivery in
            DeliveriesPage.Row(
                id: delivery.messageID, event: delivery.eventType, generation: delivery.generationID,
                created: language.moment(delivery.createdAt),
                outcome: delivery.deliveredAt.map { language.text("settings_delivered") + " " + language.moment($0) }
                    ?? delivery.gaveUpAt.map { language.text("settings_gaveUp") + " " + language.moment($0) }
                    ?? language.text("settings_pending"),
                attempts: delivery.attempts.map { attempt in attempt.status.map(String.init) ?? attempt.error ?? "-" }
                    .joined(separator: ", "))
        }
        return pages.render(
            DeliveriesPage(team: visit.team.name, csrf: visit.formToken, url: endpoint.url, deliveries: rows),
            for: request)
    }

    /// `POST /settings/tokens`: a token of the team with no scopes; shown once.
    @Sendable func addToken(_ request: Request, context: VaultRequestContext) async throws -> Response {
        let visit = try context.requireVisit()
        guard visit.scopes.contains(.admin) else { return forbidden(request) }
        let name = (visit.form["name"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        do {
            let (token, _) = try await archive.createToken(
                for: visit.team, label: name.isEmpty ? nil : String(name.prefix(100)), scopes: [], granted: visit.scopes)
            return try await renderSettings(visit, request, revealed: (token, "settings_tokenShown"))
        } catch let refusal as TokenRefusal {
            return try await renderSettings(visit, request, problem: refusal.apiError.message)
        }
    }

    /// `POST /settings/tokens/{id}/revoke`.
    @Sendable func revokeToken(_ request: Request, context: VaultRequestContext) async throws -> Response {
        let visit = try context.requireVisit()
        guard visit.scopes.contains(.admin) else { return forbidden(request) }
        guard try await archive.revokeToken(id: try context.parameters.require("id"), of: visit.team) else {
            return notFound(request)
        }
        return .redirect(to: "/settings", type: .normal)
    }

    private func forbidden(_ request: Request) -> Response {
        pages.render(MessagePage(title: "msg_refused", reason: "settings_notAdmin"), for: request, status: .forbidden)
    }

    func renderSettings(
        _ visit: GalleryVisit, _ request: Request, revealed: (secret: String, label: String)? = nil, problem: String? = nil
    ) async throws -> Response {
        let language = PageLanguage(request)
        let isAdmin = visit.scopes.contains(.admin)
        let tokens = isAdmin ? try await archive.tokens(of: visit.team) : []
        return pages.render(
            SettingsPage(
                team: visit.team.name, csrf: visit.formToken,
                endpoints: try await archive.endpoints(teamID: visit.team.id).map {
                    SettingsPage.Endpoint(
                        id: $0.id, url: $0.url, events: $0.events.joined(separator: ", "), enabled: $0.enabled,
                        reason: $0.disabledReason)
                },
                isAdmin: isAdmin,
                tokens: tokens.reversed().map {
                    SettingsPage.Token(
                        id: $0.id, name: $0.name ?? "-", scopes: $0.scopes.map(\.rawValue).sorted().joined(separator: ", "),
                        created: language.moment($0.createdAt), lastUsed: $0.lastUsedAt.map(language.moment) ?? "-",
                        revoked: $0.revokedAt.map(language.moment))
                },
                revealed: revealed?.secret, revealedLabel: revealed.map { language.text($0.label) }, problem: problem),
            for: request, status: problem == nil ? .ok : .unprocessableContent)
    }
}
