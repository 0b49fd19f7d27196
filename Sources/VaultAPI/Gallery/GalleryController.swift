import Hummingbird
import Storage
import Workers

/// The web gallery: sign in with a team token once (an HttpOnly, SameSite=Strict session cookie), search and
/// filter, watch, inspect, share, and start new generations from a form built from the model's schema.
/// Server-rendered; works without JavaScript.
struct GalleryController<UseCases: GalleryUseCases> {
    let archive: UseCases
    let pages: Pages
    let baseURL: @Sendable (Request) -> String
    let responder: BlobResponder

    func addRoutes(to router: Router<VaultRequestContext>) {
        router.get("/login", use: signInForm)
        router.post("/login", use: signIn)
        let signedIn = router.group().add(middleware: GallerySessionMiddleware(archive: archive, pages: pages))
        signedIn.post("/logout", use: signOut)
        signedIn.get("/", use: gallery)
        signedIn.get("/g/{id}", use: detail)
        signedIn.post("/g/{id}/share", use: share)
        signedIn.post("/g/{id}/resend", use: resend)
        signedIn.post("/g/bulk", use: bulk)
        signedIn.get("/g/files/{sha256}", use: file)
        signedIn.head("/g/files/{sha256}", use: file)
        signedIn.get("/g/files/{sha256}/poster") { try await derived(.poster, $0, $1) }
        signedIn.get("/g/files/{sha256}/preview") { try await derived(.preview, $0, $1) }
        signedIn.get("/spend", use: spend)
        signedIn.get("/new", use: newForm)
        signedIn.post("/new", use: submit)
    }

    func session(_ request: Request) -> GallerySession {
        GallerySession(secure: baseURL(request).hasPrefix("https://"))
    }

    func notFound(_ request: Request) -> Response {
        pages.render(MessagePage(title: "msg_notFound", reason: "msg_noSuchGeneration"), for: request, status: .notFound)
    }
}
