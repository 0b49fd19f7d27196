import EachLabs
import Foundation
import HTTPSupport
import HTTPTypes
import Hummingbird

/// A local stand-in for the each::labs API that honours its contract (API.md): models in both path forms,
/// predictions with both auth forms and the documented status progression, output files with Range support, and
/// injectable faults. EachVault runs against it exactly as against the real API.
public struct EachLabsSimulator: Sendable {
    public let settings: SimulatorSettings
    let catalogue = SimulatedCatalogue()
    let state = SimulatorState()

    public init(settings: SimulatorSettings = SimulatorSettings()) {
        self.settings = settings
    }

    public var models: [ProviderModel] { catalogue.models }

    public func stats() async -> SimulatorStats { await state.stats }

    public func setFaults(_ faults: SimulatorFaults) async { await state.setFaults(faults) }

    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/v1/models") { request, _ in self.listModels(request) }
        router.get("/v1/models/{slug}") { _, context in
            self.readModel(slug: context.parameters.get("slug") ?? "")
        }
        router.get("/v1/model") { request, _ in self.readModel(slug: request.uri.queryParameters.get("slug") ?? "") }
        router.post("/v1/prediction") { request, _ in try await self.createPrediction(request) }
        router.get("/v1/prediction/{id}") { request, context in
            try await self.readPrediction(request, id: context.parameters.get("id") ?? "")
        }
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
            // Sample input images (for image-to-video requests in the demo and tests).
            let name = context.parameters.get("name") ?? ""
            guard name.hasPrefix("sample-"), name.hasSuffix(".png"), let data = EmbeddedFiles.data(named: name) else {
                return Self.error(.notFound, "no such sample")
            }
            return Response(status: .ok, headers: [.contentType: "image/png"],
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
        }
        router.get("/_simulator/stats") { _, _ in JSONResponse.make(await self.state.stats) }
        return router
    }

    // MARK: - Models

    private func listModels(_ request: Request) -> Response {
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

    private func readModel(slug: String) -> Response {
        guard let model = catalogue.pricedModel(slug: slug) else {
            return Self.error(.notFound, "Failed to fetch model: model not found")
        }
        return JSONResponse.make(model)
    }

    // MARK: - Predictions

    private func createPrediction(_ request: Request) async throws -> Response {
        if let refusal = await authorize(request, isCreate: true) { return refusal }
        struct Body: Decodable {
            var model: String?
            var version: String?
            var input: [String: JSONValue]?
        }
        guard let body = try await JSONResponse.decode(Body.self, from: request) else {
            return Self.error(.badRequest, "Invalid JSON body")
        }
        guard let slug = body.model, !slug.isEmpty else { return Self.error(.badRequest, "model field is required") }
        guard let model = catalogue.pricedModel(slug: slug) else {
            return Self.error(.notFound, "Failed to fetch model: model not found")
        }
        let input: [String: JSONValue]
        switch model.requestSchema.validate(body.input ?? [:]) {
        case .success(let normalised): input = normalised
        case .failure(let failure):
            return JSONResponse.make(
                ["error": "Invalid input for model", "details": failure.problems.map(\.description).joined(separator: "; ")],
                status: .badRequest)
        }
        let effective = model.requestSchema.applyingDefaults(to: input)
        let id = await state.newPredictionID()
        let duration = effective["duration"]?.doubleValue ?? 5
        await state.add(SimulatedPrediction(
            id: id, model: slug, input: input, createdAt: .now, runTime: settings.runTime,
            fate: Self.fate(for: input), video: SyntheticVideo(model: slug, effectiveInput: effective,
                                                             targetSize: settings.outputBytes),
            cost: ((model.cost?.amount ?? 0) * duration * 100).rounded() / 100))
        return JSONResponse.make(["status": "success", "message": "Prediction created", "predictionID": id])
    }

    private func readPrediction(_ request: Request, id: String) async throws -> Response {
        if let refusal = await authorize(request, isCreate: false) { return refusal }
        guard let prediction = await state.read(id: id) else {
            return Self.error(.notFound, "Prediction not found")
        }
        return JSONResponse.make(prediction.snapshot(at: .now, fileBaseURL: Self.baseURL(of: request)))
    }

    /// Test hooks in the prompt: `#sim-error:CODE` fails the prediction with CODE, `#sim-cancel` cancels it.
    static func fate(for input: [String: JSONValue]) -> SimulatedPrediction.Fate {
        let prompt = input["prompt"]?.stringValue ?? ""
        if prompt.contains("#sim-cancel") { return .cancelled }
        if let marker = prompt.range(of: "#sim-error:") {
            let code = prompt[marker.upperBound...].prefix { $0.isLetter || $0 == "_" }
            return .failure(code: code.isEmpty ? "PROVIDER_FAILED" : String(code),
                            message: "simulated failure requested by the prompt")
        }
        return .success
    }

    // MARK: - Files

    private func serveFile(_ request: Request, id: String) async -> Response {
        guard let prediction = await state.file(id: id), prediction.status(at: .now) == .success else {
            return Self.error(.notFound, "file not found")
        }
        let video = prediction.video
        let decision = RangeDecision(rangeHeader: request.headers[.range], size: video.size)
        var headers: HTTPFields = [.contentType: "video/mp4"]
        headers.setRange(decision, size: video.size)
        guard request.method != .head, let range = decision.bytes(size: video.size) else {
            return Response(status: decision.status, headers: headers, body: ResponseBody())
        }
        let chunk: Int64 = 256 * 1024
        let body = ResponseBody(contentLength: Int(range.count)) { writer in
            var start = range.lowerBound
            while start <= range.upperBound {
                let end = min(range.upperBound, start + chunk - 1)
                try await writer.write(video.bytes(start...end))
                start = end + 1
            }
            try await writer.finish(nil)
        }
        return Response(status: decision.status, headers: headers, body: body)
    }

    // MARK: - Helpers

    /// Checks the key (either documented form) and any armed fault; returns the refusal to send, if any.
    private func authorize(_ request: Request, isCreate: Bool) async -> Response? {
        let bearer = request.headers[.authorization].flatMap { header in
            header.hasPrefix("Bearer ") ? String(header.dropFirst(7)) : nil
        }
        let key = bearer ?? request.headers[.xAPIKey]
        guard key == settings.apiKey else {
            await state.countUnauthorized()
            return Self.error(.unauthorized, "Invalid or missing API key")
        }
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
