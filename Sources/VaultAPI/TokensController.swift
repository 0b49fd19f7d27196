import EachLabs
import Foundation
import Hummingbird
import Storage
import VaultContract
import Workers

/// `/v1/tokens`: the team's own tokens, for a token with the `admin` scope. Tokens made here have no more scopes
/// than their maker's; revoking one ends its gallery sessions too.
struct TokensController<UseCases: TokenUseCases> {
    let archive: UseCases

    func addRoutes(to group: RouterGroup<VaultRequestContext>) {
        group.get("tokens", use: list)
        group.post("tokens", use: create)
        group.delete("tokens/{id}", use: revoke)
    }

    @Sendable func list(_ request: Request, context: VaultRequestContext) async throws -> Response {
        let team = try context.requireTeam(scope: .admin)
        let views = try await archive.tokens(of: team).map { TokenView($0) }
        return try EditedResponse(status: .ok, response: views).response(from: request, context: context)
    }

    @Sendable func create(_ request: Request, context: VaultRequestContext) async throws -> Response {
        let team = try context.requireTeam(scope: .admin)
        let body = try await request.decodeJSON(
            TokenRequest.self, context: context, example: #"{"name": "laptop", "scopes": []}"#, empty: TokenRequest())
        let name = body.name.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
        if let name, name.utf8.count > 100 {
            throw APIError(
                status: .unprocessableContent, code: "invalid_request", message: "name is at most 100 bytes",
                fields: [FieldProblem(field: "name", problem: "is over 100 bytes")])
        }
        var scopes: Set<TokenScope> = []
        for (index, text) in (body.scopes ?? []).enumerated() {
            guard let scope = TokenScope(rawValue: text) else {
                throw APIError(
                    status: .unprocessableContent, code: "invalid_request",
                    message: "scopes[\(index)] must be one of " + TokenScope.allCases.map(\.rawValue).joined(separator: ", "),
                    fields: [FieldProblem(field: "scopes[\(index)]", problem: "is not a scope")])
            }
            scopes.insert(scope)
        }
        do {
            let (token, info) = try await archive.createToken(
                for: team, label: name, scopes: scopes, granted: context.scopes)
            var view = TokenView(info)
            view.token = token
            return try EditedResponse(status: .created, response: view).response(from: request, context: context)
        } catch let refusal as TokenRefusal {
            throw refusal.apiError
        }
    }

    @Sendable func revoke(_ request: Request, context: VaultRequestContext) async throws -> Response {
        let team = try context.requireTeam(scope: .admin)
        guard try await archive.revokeToken(id: try context.parameters.require("id"), of: team) else {
            throw APIError.notFound("token")
        }
        return Response(status: .noContent)
    }
}

extension TokenRefusal {
    var apiError: APIError {
        switch self {
        case .scopesBeyondYours(let extra):
            APIError(
                status: .forbidden, code: "missing_scope",
                message: "a token can be given only scopes its maker holds; yours lacks "
                    + extra.map(\.rawValue).sorted().joined(separator: ", "))
        case .tooMany(let limit):
            APIError(
                status: .unprocessableContent, code: "invalid_request",
                message: "the team holds \(limit) live tokens, the most it may; revoke one first")
        }
    }
}

extension TokenView {
    init(_ info: TokenInfo) {
        self.init(
            id: info.id, name: info.name, scopes: info.scopes.map(\.rawValue).sorted(), createdAt: info.createdAt,
            lastUsedAt: info.lastUsedAt, revokedAt: info.revokedAt)
    }
}
