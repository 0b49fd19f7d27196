import Archive
import Hummingbird
import Workers

/// Resolves `Authorization: Bearer <token>` to a team; anything else is 401. Tokens are looked up by their SHA-256
/// only, and never logged. The gallery's session cookie opens nothing here: a cookie rides along with requests other
/// sites make, a bearer token never does.
struct TeamAuthenticator: RouterMiddleware {
    let vault: Vault

    func handle(
        _ request: Request, context: VaultRequestContext,
        next: (Request, VaultRequestContext) async throws -> Response
    ) async throws -> Response {
        guard let token = Self.bearerToken(request),
            let grant = try await vault.authenticate(token: token)
        else { throw APIError.unauthenticated }
        var context = context
        context.team = grant.team
        context.scopes = grant.scopes
        context.logger[metadataKey: "team"] = .string(grant.team.name)
        return try await next(request, context)
    }

    static func bearerToken(_ request: Request) -> String? {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else { return nil }
        let token = header.dropFirst(7).trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}

extension APIError {
    static let unauthenticated = APIError(
        status: .unauthorized, code: "unauthenticated",
        message: "send a team token: Authorization: Bearer <token> (create one with `eachvault token create`)")
}
