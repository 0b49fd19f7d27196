import Hummingbird
import Storage
import Workers

/// Signing in with a team token (a form with its own token and cookie, against login CSRF) and out.
extension GalleryController {
    @Sendable func signInForm(_ request: Request, context: VaultRequestContext) async throws -> Response {
        signInPage(request, errorKey: nil, status: .ok)
    }

    /// The sign-in form with a fresh form token, bound to a cookie of its own.
    func signInPage(_ request: Request, errorKey: String?, status: HTTPResponse.Status) -> Response {
        let secret = Secrets.make(prefix: "")
        let page = SignInPage(error: errorKey.map { PageLanguage(request).text($0) }, csrf: GallerySession.formToken(for: secret))
        var response = pages.render(page, for: request, status: status)
        response.setCookie(session(request).signInCookie(secret))
        return response
    }

    @Sendable func signIn(_ request: Request, context: VaultRequestContext) async throws -> Response {
        var request = request
        guard let form = try await GallerySession.form(of: &request) else {
            return pages.render(GallerySession.unreadableForm, for: request, status: .badRequest)
        }
        guard GallerySession.acceptsPost(request, form: form, cookie: GallerySession.signInCookie) else {
            return signInPage(request, errorKey: "login_expired", status: .forbidden)
        }
        guard let token = form["token"]?.trimmingCharacters(in: .whitespaces), !token.isEmpty,
            let created = try await archive.startSession(token: token)
        else { return signInPage(request, errorKey: "login_invalid", status: .unauthorized) }
        var response = Response.redirect(to: "/", type: .normal)
        response.setCookie(session(request).sessionCookie(created, maxAge: Int(Vault.sessionLifetime)))
        return response
    }

    @Sendable func signOut(_ request: Request, context: VaultRequestContext) async throws -> Response {
        if let current = request.cookies[GallerySession.cookie]?.value { try await archive.endSession(current) }
        var response = Response.redirect(to: "/login", type: .normal)
        response.setCookie(session(request).sessionCookie("", maxAge: 0))
        return response
    }
}
