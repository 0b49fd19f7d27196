import Archive
import EachLabs
import Foundation
import HTTPTypes
import Hummingbird
import Workers

/// The web gallery: sign in with a team token once (an HttpOnly, SameSite=Strict session cookie), search and
/// filter, watch, inspect, share, and start new generations from a form built from the model's schema.
/// Server-rendered; works without JavaScript.
struct GalleryController {
    let vault: Vault
    let pages: Pages
    let baseURL: @Sendable (Request) -> String

    func addRoutes(to router: Router<VaultRequestContext>) {
        router.get("/login", use: signInForm)
        router.post("/login", use: signIn)
        router.post("/logout", use: signOut)
        router.get("/", use: gallery)
        router.get("/g/{id}", use: detail)
        router.post("/g/{id}/share", use: share)
        router.get("/g/files/{sha256}", use: file)
        router.head("/g/files/{sha256}", use: file)
        router.get("/new", use: newForm)
        router.post("/new", use: submit)
    }

    func session(_ request: Request) -> GallerySession {
        GallerySession(vault: vault, secure: baseURL(request).hasPrefix("https://"))
    }
}

extension DateFormatter {
    static var galleryDay: DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter
    }
}
