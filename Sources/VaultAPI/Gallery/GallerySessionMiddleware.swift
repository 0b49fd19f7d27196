import Hummingbird
import Transport
import Storage
import Workers

/// A signed-in visit to the gallery.
struct GalleryVisit: Sendable {
    var team: Team
    /// The scopes of the token the session was started with (the settings page's tokens need `admin`).
    var scopes: Set<TokenScope> = []
    /// The token the session's forms carry.
    var formToken: String
    /// The fields of the form a POST sent (checked: same origin, this session's token).
    var form: [String: String] = [:]
}

/// Guards the gallery's signed-in routes: the session cookie must name a live session (else pages redirect to the
/// sign-in form and files are not found), and every POST must come from this origin with the session's form token
/// (else a 403 page). Handlers find the visit in `context.gallery`.
struct GallerySessionMiddleware<UseCases: AccessUseCases>: RouterMiddleware {
    let archive: UseCases
    let pages: Pages

    func handle(
        _ request: Request, context: VaultRequestContext,
        next: (Request, VaultRequestContext) async throws -> Response
    ) async throws -> Response {
        guard let session = request.cookies[GallerySession.cookie]?.value,
            let grant = try await archive.grant(session: session)
        else {
            if request.uri.path.hasPrefix("/g/files/") { throw APIError.notFound("file") }
            return .redirect(to: "/login", type: .normal)
        }
        var context = context
        var visit = GalleryVisit(
            team: grant.team, scopes: grant.scopes, formToken: GallerySession.formToken(for: session))
        var request = request
        if request.method == .post, request.uri.path == GallerySession.uploadPath,
            let presented = request.headers[GallerySession.formTokenHeader]
        {
            // The one post whose body is no form (a file being uploaded by the page's script): the token comes in
            // a header. Every other post carries it in its form.
            guard GallerySession.isSameOrigin(request), ConstantTime.equals(presented, visit.formToken) else {
                throw APIError(status: .forbidden, code: "unauthenticated", message: "not this session's form token")
            }
        } else if request.method == .post {
            guard let form = try await GallerySession.form(of: &request) else {
                return pages.render(GallerySession.unreadableForm, for: request, status: .badRequest)
            }
            visit.form = form
            guard GallerySession.acceptsPost(request, form: visit.form, cookie: GallerySession.cookie) else {
                return pages.render(
                    MessagePage(title: "msg_refused", reason: "msg_notThisSession"), for: request, status: .forbidden)
            }
        }
        context.gallery = visit
        return try await next(request, context)
    }
}

extension VaultRequestContext {
    /// The signed-in visit; the session middleware guarantees one on every gallery route it guards.
    func requireVisit() throws -> GalleryVisit {
        guard let gallery else { throw APIError.unauthenticated }
        return gallery
    }
}
