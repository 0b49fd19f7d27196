import Hummingbird
import Storage
import Workers

/// Resolves `Authorization: Bearer <token>` to a team; anything else is 401. Tokens are looked up by their SHA-256
/// only, and never logged. The gallery's session cookie opens nothing here: a cookie rides along with requests other
/// sites make, a bearer token never does.
struct TeamAuthenticator<UseCases: AccessUseCases>: RouterMiddleware {
    let archive: UseCases

    func handle(
        _ request: Request, context: VaultRequestContext,
        next: (Request, VaultRequestContext) async throws -> Response
    ) async throws -> Response {
        guard let token = request.bearerToken,
            let grant = try await archive.authenticate(token: token)
        else { throw APIError.unauthenticated }
        var context = context
        context.team = grant.team
        context.scopes = grant.scopes
        context.logger[metadataKey: "team"] = .string(grant.team.name)
        return try await next(request, context)
    }
}

extension APIError {
    static let unauthenticated = APIError(
        status: .unauthorized, code: "unauthenticated",
        message: "send a team token: Authorization: Bearer <token> (create one with `eachvault token create`)")
}

extension Request {
    /// The token of `Authorization: Bearer <token>`, if the request has one.
    var bearerToken: String? {
        guard let header = headers[.authorization], header.lowercased().hasPrefix("bearer ") else { return nil }
        let token = header.dropFirst(7).trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}
