import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Storage
import Transport
import Workers

/// The gallery's sign-in and the guards on its forms. The session cookie (HttpOnly, SameSite=Strict) opens gallery
/// pages and the files they show, never the JSON API. Every gallery POST must come from this origin
/// (`Sec-Fetch-Site`, else `Origin`) and carry the form token bound to its session; the sign-in form carries a
/// token bound to a short-lived cookie of its own, so no other site can sign a browser into its team (login CSRF).
struct GallerySession {
    static let cookie = "ev_session"
    static let signInCookie = "ev_signin"
    /// The hidden form field holding the token.
    static let formField = "csrf"
    /// The form token of a script's post whose body is not a form (`POST /g/upload`).
    static let formTokenHeader = HTTPField.Name("X-CSRF-Token")!

    let secure: Bool

    /// A form token that only the holder of `secret` (an HttpOnly cookie) can know: a digest, so the page that
    /// shows it reveals nothing of the cookie.
    static func formToken(for secret: String) -> String {
        SHA256.hash(data: Data("eachvault-form:\(secret)".utf8)).lowercaseHex
    }

    /// The fields of a form post (`application/x-www-form-urlencoded`, at most 64 KiB, each name once); nil when
    /// the body is no such form. The body stays in the request.
    static func form(of request: inout Request) async throws -> [String: String]? {
        let body = try await request.collectBody(upTo: 64 * 1024)
        return try? URLEncodedFormDecoder().decode([String: String].self, from: String(buffer: body))
    }

    /// Where the new-generation form's script uploads a picked file (`POST`, the form token in a header).
    static let uploadPath = "/g/upload"

    static let unreadableForm = MessagePage(title: "msg_badRequest", reason: "msg_unreadableForm")

    /// True when a form post may be acted on: from this origin, with the token of the cookie named `cookie`.
    static func acceptsPost(_ request: Request, form: [String: String], cookie: String) -> Bool {
        guard isSameOrigin(request), let secret = request.cookies[cookie]?.value, let presented = form[formField]
        else { return false }
        return ConstantTime.equals(presented, formToken(for: secret))
    }

    /// Browsers say where a request comes from: `Sec-Fetch-Site` (same-origin, or none for a typed address), else
    /// `Origin`, which must name this host. A client that sends neither is no browser acting for another site.
    static func isSameOrigin(_ request: Request) -> Bool {
        if let site = request.headers[.secFetchSite] { return site == "same-origin" || site == "none" }
        guard let origin = request.headers[.origin] else { return true }
        guard let origin = URLComponents(string: origin), let host = origin.host, let authority = request.head.authority
        else { return false }
        return (host + (origin.port.map { ":\($0)" } ?? "")).lowercased() == authority.lowercased()
    }

    func sessionCookie(_ value: String, maxAge: Int) -> Cookie {
        Cookie(
            name: Self.cookie, value: value, maxAge: maxAge, path: "/", secure: secure, httpOnly: true,
            sameSite: .strict)
    }

    /// The sign-in form's cookie: fresh for each form shown, good for an hour.
    func signInCookie(_ value: String) -> Cookie {
        Cookie(
            name: Self.signInCookie, value: value, maxAge: 3600, path: "/login", secure: secure, httpOnly: true,
            sameSite: .strict)
    }
}

extension HTTPField.Name {
    static let secFetchSite = HTTPField.Name("Sec-Fetch-Site")!
}
