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
    /// The API's uploads (one count of uploads in progress per team, whichever door they came through).
    let uploads: UploadsController<UseCases>

    func addRoutes(to router: Router<VaultRequestContext>) {
        router.get("/login", use: signInForm)
        router.post("/login", use: signIn)
        let signedIn = router.group().add(middleware: GallerySessionMiddleware(archive: archive, pages: pages))
        signedIn.post("/logout", use: signOut)
        signedIn.get("/", use: gallery)
        signedIn.get("/g/cards", use: liveCards)
        signedIn.get("/g/{id}", use: detail)
        signedIn.post("/g/{id}/share", use: share)
        signedIn.post("/g/{id}/resend", use: resend)
        signedIn.post("/g/{id}/annotate", use: annotate)
        signedIn.post("/g/{id}/cancel", use: cancel)
        signedIn.post("/g/{id}/favourite", use: favourite)
        signedIn.post("/g/{id}/delete", use: delete)
        signedIn.post("/g/bulk", use: bulk)
        signedIn.post(RouterPath(GallerySession.uploadPath), use: upload)
        signedIn.get("/g/files/{sha256}", use: file)
        signedIn.head("/g/files/{sha256}", use: file)
        signedIn.get("/g/files/{sha256}/poster") { try await derived(.poster, $0, $1) }
        signedIn.get("/g/files/{sha256}/preview") { try await derived(.preview, $0, $1) }
        signedIn.get("/spend", use: spend)
        signedIn.get("/collections", use: collectionsPage)
        signedIn.post("/collections", use: addCollection)
        signedIn.post("/collections/{id}/share", use: shareCollection)
        signedIn.post("/collections/{id}/delete", use: deleteCollection)
        signedIn.get("/settings", use: settings)
        signedIn.post("/settings/endpoints", use: addEndpoint)
        signedIn.get("/settings/endpoints/{id}", use: endpointDeliveries)
        signedIn.post("/settings/endpoints/{id}", use: toggleEndpoint)
        signedIn.post("/settings/tokens", use: addToken)
        signedIn.post("/settings/tokens/{id}/revoke", use: revokeToken)
        signedIn.get("/new", use: newForm)
        signedIn.post("/new", use: submit)
    }

    /// `POST /g/upload`: a file picked or dropped on the new-generation form, streamed into the archive as the API's
    /// `POST /v1/uploads` takes it (the form token in `X-CSRF-Token`); the answer's reference fills the field.
    @Sendable func upload(_ request: Request, context: VaultRequestContext) async throws -> Response {
        var context = context
        context.team = try context.requireVisit().team
        return try await uploads.upload(request, context: context)
    }

    func session(_ request: Request) -> GallerySession {
        GallerySession(secure: baseURL(request).hasPrefix("https://"))
    }

    func notFound(_ request: Request) -> Response {
        pages.render(MessagePage(title: "msg_notFound", reason: "msg_noSuchGeneration"), for: request, status: .notFound)
    }
}
