import Archive
import Hummingbird
import Workers

/// Resolves `Authorization: Bearer <token>` (or the gallery's session cookie) to a team; anything else is 401.
/// Tokens are looked up by their SHA-256 only, and never logged.
struct TeamAuthenticator: RouterMiddleware {
    let vault: Vault

    func handle(_ request: Request, context: VaultRequestContext,
                next: (Request, VaultRequestContext) async throws -> Response) async throws -> Response {
        let team: Team?
        if let token = Self.bearerToken(request) {
            team = try vault.database.authenticate(token: token, now: vault.clock.now())
        } else if let session = request.cookies[Self.sessionCookie]?.value {
            team = try vault.database.team(session: session, now: vault.clock.now())  // the gallery's video players
        } else {
            team = nil
        }
        guard let team else { throw APIError.unauthenticated }
        var context = context
        context.team = team
        context.logger[metadataKey: "team"] = .string(team.name)
        return try await next(request, context)
    }

    static let sessionCookie = "ev_session"

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
