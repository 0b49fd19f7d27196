import Archive
import Hummingbird
import Logging

/// The request context of the API: Hummingbird's core storage plus the team the request acts for.
public struct VaultRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `TeamAuthenticator` for `/v1` routes.
    public var team: Team?

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    /// The authenticated team; the authenticator guarantees one on every `/v1` route.
    func requireTeam() throws -> Team {
        guard let team else { throw APIError.unauthenticated }
        return team
    }
}
