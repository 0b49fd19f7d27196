import EachLabs
import Foundation
import HTTPSupport
import HTTPTypes
import Hummingbird
import Transport

/// A local stand-in for the each::labs API that honours its contract (API.md): models in both path forms,
/// predictions with both auth forms and the documented status progression, output files with Range support, the
/// presigned upload flow, and injectable faults. EachVault runs against it exactly as against the real API.
public struct EachLabsSimulator: Sendable {
    public let settings: SimulatorSettings
    let catalogue = SimulatedCatalogue()
    let state: SimulatorState
    let webhooks: WebhookSender
    let uploads = SimulatedUploads()

    public init(settings: SimulatorSettings = SimulatorSettings(), transport: any HTTPTransport = CurlTransport()) {
        self.settings = settings
        state = SimulatorState(faults: settings.faults)
        webhooks = WebhookSender(state: state, transport: transport, retryInterval: settings.webhookRetryInterval)
    }

    /// What really happened to every prediction so far.
    public func truth() async -> [PredictionTruth] { await state.truth() }

    public var models: [ProviderModel] { catalogue.models }

    public func stats() async -> SimulatorStats {
        var stats = await state.stats
        stats.presigns = await uploads.presigns
        stats.uploads = await uploads.puts
        return stats
    }

    public func setFaults(_ faults: SimulatorFaults) async { await state.setFaults(faults) }

    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/v1/models") { request, _ in
            await self.state.countModelListing()
            return self.listModels(request)
        }
        router.get("/v1/models/{slug}") { _, context in
            await self.readModel(slug: context.parameters.get("slug") ?? "")
        }
        router.get("/v1/model") { request, _ in await self.readModel(slug: request.uri.queryParameters.get("slug") ?? "") }
        router.post("/v1/prediction") { request, _ in try await self.createPrediction(request) }
        router.get("/v1/prediction/{id}") { request, context in
            try await self.readPrediction(request, id: context.parameters.get("id") ?? "")
        }
        router.post("/v1/prediction/{id}/cancel") { request, context in
            try await self.cancelPrediction(request, id: context.parameters.get("id") ?? "")
        }
        router.get("/v1/webhooks") { request, _ in try await self.listWebhooks(request) }
        router.get("/v1/webhooks/{id}") { request, context in
            try await self.readWebhook(request, id: context.parameters.get("id") ?? "")
        }
        router.post("/v1/upload/presign") { request, _ in try await self.presignUpload(request) }
        router.put("/_uploads/{id}") { request, context in
            try await self.receiveUpload(request, id: context.parameters.get("id") ?? "")
        }
        router.get("/uploads/{id}") { _, context in await self.serveUpload(id: context.parameters.get("id") ?? "") }
        router.get("/files/{id}/output.mp4") { request, context in
            await self.serveFile(request, id: context.parameters.get("id") ?? "")
        }
        router.head("/files/{id}/output.mp4") { request, context in
            await self.serveFile(request, id: context.parameters.get("id") ?? "")
        }
        router.post("/_simulator/faults") { request, _ in
            guard let faults = try await JSONResponse.decode(SimulatorFaults.self, from: request) else {
                return Self.error(.badRequest, "malformed faults JSON")
            }
            await self.state.setFaults(faults)
            return JSONResponse.make(faults)
        }
        router.get("/_simulator/samples/{name}") { _, context in
            // Sample input files (for image-, audio- and video-driven requests in the demo and tests).
            guard let sample = SimulatorSamples(name: context.parameters.get("name") ?? ""),
                let data = EmbeddedFiles.data(named: sample.fixture)
            else { return Self.error(.notFound, "no such sample") }
            return Response(
                status: .ok, headers: [.contentType: sample.contentType],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
        }
        router.get("/_simulator/stats") { _, _ in JSONResponse.make(await self.stats()) }
        router.get("/_simulator/predictions") { _, _ in JSONResponse.make(await self.state.truth()) }
        return router
    }

    // MARK: - Models

    func listModels(_ request: Request) -> Response {
        let query = request.uri.queryParameters
        let limit = query.get("limit").map { Int($0) ?? -1 } ?? 50
        let offset = query.get("offset").map { Int($0) ?? -1 } ?? 0
        guard (1...500).contains(limit) else { return Self.error(.badRequest, "invalid limit parameter") }
        guard offset >= 0 else { return Self.error(.badRequest, "invalid offset parameter") }
        var models = catalogue.models
        if let name = query.get("name")?.lowercased(), !name.isEmpty {
            models = models.filter { $0.slug.lowercased().contains(name) || $0.title.lowercased().contains(name) }
        }
        return JSONResponse.make(Array(models.dropFirst(offset).prefix(limit)))
    }

    func readModel(slug: String) async -> Response {
        await state.countModelRead()
        guard let model = catalogue.pricedModel(slug: slug) else {
            return Self.error(.notFound, "Failed to fetch model: model not found")
        }
        return JSONResponse.make(model)
    }

    // MARK: - Helpers

    /// Checks the key (either documented form) and any armed fault; returns the refusal to send, if any.
    func authorize(_ request: Request, isCreate: Bool, injectFaults: Bool = true) async -> Response? {
        let bearer = request.headers[.authorization].flatMap { header in
            header.hasPrefix("Bearer ") ? String(header.dropFirst(7)) : nil
        }
        let key = bearer ?? request.headers[.xAPIKey]
        guard key == settings.apiKey else {
            await state.countUnauthorized()
            return Self.error(.unauthorized, "Invalid or missing API key")
        }
        guard injectFaults else { return nil }
        switch await state.injectedFault(isCreate: isCreate) {
        case .rateLimited(let retryAfter):
            var headers: HTTPFields = [:]
            if let retryAfter { headers[.retryAfter] = String(retryAfter) }
            return JSONResponse.make(["error": "Too many requests"], status: .tooManyRequests, headers: headers)
        case .serverError:
            return Self.error(.internalServerError, isCreate ? "Failed to create prediction" : "Internal server error")
        case nil:
            return nil
        }
    }

    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        JSONResponse.make(["error": message], status: status)
    }

    /// `http://<Host header>`: output URLs point back at whatever address the client used.
    static func baseURL(of request: Request) -> String {
        "http://" + (request.head.authority ?? "127.0.0.1")
    }
}

extension HTTPField.Name {
    /// The provider's older authentication header.
    static let xAPIKey = HTTPField.Name("X-API-Key")!
}
