import Foundation
import Hummingbird
import Logging
import Storage
import VaultContract
import VaultDomain

/// The request context of the API: Hummingbird's core storage plus the team the request acts for.
public struct VaultRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `TeamAuthenticator` for `/v1` routes.
    public var team: Team?
    /// The token's scopes (set with `team`).
    public var scopes: Set<TokenScope> = []
    /// Set by `GallerySessionMiddleware` on gallery routes: the signed-in team, its form token and, on a POST, the
    /// form it sent.
    var gallery: GalleryVisit?
    /// The largest body `request.decode(as:context:)` collects: small by default, raised by the routes that take
    /// more (a create with inline files).
    public var maxUploadSize = 64 * 1024

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    /// Bodies and answers in the contract's one JSON configuration.
    public var requestDecoder: JSONDecoder { Self.decoder }
    public var responseEncoder: ContractResponseEncoder { ContractResponseEncoder() }
    private static let decoder = ContractJSON.decoder()

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
