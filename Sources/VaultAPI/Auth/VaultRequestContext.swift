import Archive
import Hummingbird
import Logging

/// The request context of the API: Hummingbird's core storage plus the team the request acts for.
public struct VaultRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `TeamAuthenticator` for `/v1` routes.
    public var team: Team?
    /// The token's scopes (set with `team`).
    public var scopes: Set<TokenScope> = []

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    /// The authenticated team; the authenticator guarantees one on every `/v1` route.
    func requireTeam() throws -> Team {
        guard let team else { throw APIError.unauthenticated }
        return team
    }

    /// The authenticated team, when the token holds `scope` (403 otherwise).
    func requireTeam(scope: TokenScope) throws -> Team {
        let team = try requireTeam()
        guard scopes.contains(scope) else {
            throw APIError(
                status: .forbidden, code: "missing_scope",
                message: "this needs a token with the '\(scope.rawValue)' scope (an operator creates one: "
                    + "eachvault token create --team NAME --scope \(scope.rawValue))")
        }
        return team
    }
}
