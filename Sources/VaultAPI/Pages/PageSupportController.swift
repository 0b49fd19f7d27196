import Foundation
import Hummingbird

/// What every page shares: the language switch, and the one script (keyboard navigation; the pages work without
/// it). Neither needs a session: the sign-in and share pages switch language too.
struct PageSupportController {
    let pages: Pages
    let baseURL: @Sendable (Request) -> String

    func addRoutes(to router: Router<VaultRequestContext>) {
        router.get("/language", use: switchLanguage)
        router.get("/assets/gallery.js", use: script)
    }

    /// `/language?to=zh-CN&back=/path`: remembers the language for a year and returns to the page (this site's
    /// pages only).
    @Sendable func switchLanguage(_ request: Request, context: VaultRequestContext) async throws -> Response {
        let parameters = request.uri.queryParameters
        guard let language = parameters.get("to").flatMap(PageLanguage.init(rawValue:)) else {
            return pages.render(MessagePage(title: "msg_badRequest", reason: "msg_unknownLanguage"), for: request, status: .badRequest)
        }
        var response = Response.redirect(to: Request.localPage(parameters.get("back")), type: .normal)
        response.setCookie(
            Cookie(
                name: PageLanguage.cookie, value: language.rawValue, maxAge: 365 * 86400, path: "/",
                secure: baseURL(request).hasPrefix("https://"), httpOnly: true, sameSite: .lax))
        return response
    }

    @Sendable func script(_ request: Request, context: VaultRequestContext) async throws -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "text/javascript; charset=utf-8", .cacheControl: "public, max-age=3600",
                .xContentTypeOptions: "nosniff",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: Self.galleryScript)))
    }

    static let galleryScript = EmbeddedFiles.data(named: "gallery.js") ?? Data()
}
