import Foundation
import HTTPSupport
import Hummingbird
import Storage
import Transport
import VaultContract
import Workers

/// The team-facing HTTP API: generations, files, models, health and metrics.
public enum VaultRouter {
    /// - Parameters:
    ///   - metricsToken: the bearer token `GET /metrics` requires; nil turns the endpoint off.
    ///   - accelRedirect: a reverse proxy's internal location serving the blob folder (`X-Accel-Redirect`).
    ///   - metrics: renders the Prometheus text exposition for `GET /metrics`.
    public static func make(
        vault: Vault, shareMaxLifetime: TimeInterval = 30 * 86400, metricsToken: String?, operatorToken: String? = nil,
        accelRedirect: String? = nil,
        metrics: @escaping @Sendable () async -> String
    )
        -> Router<VaultRequestContext>
    {
        let router = Router(context: VaultRequestContext.self)
        let pages = Pages(mediaOrigin: vault.blobs.redirectOrigin)
        router.add(middleware: RequestLogMiddleware())
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: ErrorMiddleware(pages: pages))
        router.add(middleware: NULRefusalMiddleware())
        router.add(middleware: MethodNotAllowedMiddleware(routes: MethodNotAllowedMiddleware.routes(of: router)))
        let baseURL: @Sendable (Request) -> String = { request in
            vault.publicURL ?? "http://" + (request.head.authority ?? "127.0.0.1")
        }
        let api = router.group("/v1").add(middleware: TeamAuthenticator(archive: vault))
        let jsonAPI = api.group().add(middleware: JSONBodyMiddleware())  // uploads alone take raw bytes
        GenerationsController(archive: vault, baseURL: baseURL).addRoutes(to: jsonAPI.group("generations"))
        let responder = BlobResponder(blobs: vault.blobs, accelRedirect: accelRedirect)
        FilesController(archive: vault, responder: responder).addRoutes(to: api.group("files"))
        ImportsController(archive: vault).addRoutes(to: jsonAPI)
        SpendController(archive: vault).addRoutes(to: api)
        EndpointsController(archive: vault).addRoutes(to: jsonAPI.group("endpoints"))
        TokensController(archive: vault).addRoutes(to: jsonAPI)
        let uploads = UploadsController(archive: vault, baseURL: baseURL)
        uploads.addRoutes(to: api)
        WebhooksController(archive: vault).addRoutes(to: router.group("/webhooks/eachlabs"))
        OperatorController(archive: vault, token: operatorToken)
            .addRoutes(to: router.group("/admin").add(middleware: JSONBodyMiddleware()))
        let shares = SharesController(
            archive: vault, maxLifetime: shareMaxLifetime, baseURL: baseURL, pages: pages, responder: responder)
        shares.addAPIRoutes(to: jsonAPI)
        CollectionsController(archive: vault).addRoutes(to: jsonAPI.group("collections"))
        shares.addPublicRoutes(to: router)
        GalleryController(archive: vault, pages: pages, baseURL: baseURL, responder: responder, uploads: uploads)
            .addRoutes(to: router)
        PageSupportController(pages: pages, baseURL: baseURL).addRoutes(to: router)
        api.get("models") { _, _ in
            try await vault.cachedModels().map {
                ModelSummary(slug: $0.slug, title: $0.title, version: $0.version, category: $0.category, cost: $0.cost)
            }
        }
        api.get("models/{slug}") { _, context in
            let slug = try context.parameters.require("slug")
            do {
                let model = try await vault.model(slug: slug)
                return ModelDetail(
                    slug: model.slug, title: model.title, version: model.version, category: model.category,
                    outputType: model.outputType, cost: model.cost, requestSchema: model.requestSchema)
            } catch let error as CatalogueError {
                throw SubmissionError.catalogue(error).apiError
            }
        }
        router.get("/healthz") { _, _ in StatusAnswer("ok") }
        router.get("/openapi.json") { request, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                body: ResponseBody(byteBuffer: Self.servedDocument(server: baseURL(request))))
        }
        router.get("/readyz") { _, _ in
            let readiness = await vault.readiness()
            return EditedResponse(status: readiness.isReady ? .ok : .serviceUnavailable, response: readiness)
        }
        router.get("/metrics") { request, _ in
            // Every team's traffic in one exposition: only the operator's scraper, with its own token, reads it.
            guard let expected = metricsToken, let presented = request.bearerToken,
                ConstantTime.equals(presented, expected)
            else { throw APIError.notFound("metrics (set EACHVAULT_METRICS_TOKEN and send it as a bearer token)") }
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: await metrics())))
        }
        return router
    }

    /// The API's OpenAPI 3.1 document (`OpenAPI/openapi.json`, embedded at build time); `OpenAPITests` fails when
    /// a route and the document disagree.
    static let openAPIDocument = EmbeddedFiles.data(named: "openapi.json") ?? Data()

    /// The document as served: its one server is where this service is reached (`EACHVAULT_PUBLIC_URL`, else the
    /// request's own address), so clients generated from it talk to the right place.
    static func openAPIDocument(server: String) -> Data {
        guard let quoted = try? JSONEncoder().encode(server) else { return openAPIDocument }
        let text = String(decoding: openAPIDocument, as: UTF8.self)
            .replacingOccurrences(of: #""url": "\#(documentServer)""#, with: #""url": "# + String(decoding: quoted, as: UTF8.self))
        return Data(text.utf8)
    }

    /// The document as served to `server`, rewritten once per address (of a few: the request's `Host` chooses it
    /// when no public URL is set, so a client cannot grow this).
    static func servedDocument(server: String) -> ByteBuffer {
        if let served = servedDocuments[server] { return served }
        let served = ByteBuffer(bytes: openAPIDocument(server: server))
        servedDocuments.insert(served, for: server)
        return served
    }

    private static let servedDocuments = BoundedCache<String, ByteBuffer>(capacity: 16)

    /// The placeholder server the file names (`openAPIDocument(server:)` replaces it).
    static let documentServer = "http://127.0.0.1:8080"
}
