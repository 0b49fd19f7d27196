import EachLabs
import Foundation
import HTTPSupport
import HTTPTypes
import Hummingbird

extension EachLabsSimulator {
    func createPrediction(_ request: Request) async throws -> Response {
        if let refusal = await authorize(request, isCreate: true) { return refusal }
        if await state.drawCreateDropped() { return Self.lostAnswer() }
        struct Body: Decodable {
            var model: String?
            var version: String?
            var input: [String: JSONValue]?
            var webhookURL: String?
            var webhookSecret: String?

            enum CodingKeys: String, CodingKey {
                case model, version, input
                case webhookURL = "webhook_url"
                case webhookSecret = "webhook_secret"
            }
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
                [
                    "error": "Invalid input for model",
                    "details": failure.problems.map(\.description).joined(separator: "; "),
                ],
                status: .badRequest)
        }
        let effective = model.requestSchema.applyingDefaults(to: input)
        let duration = effective["duration"]?.doubleValue ?? 5
        var fate = Self.fate(for: input)
        if fate == .success,
            let missing = await missingUpload(
                in: input, schema: model.requestSchema,
                baseURL: Self.baseURL(of: request))
        {
            fate = .failure(code: "INPUT_DOWNLOAD_ERROR", message: "could not download input \(missing)")
        }
        if fate == .success, let drawn = await state.drawFate() { fate = drawn }
        let prediction = SimulatedPrediction(
            id: await state.newPredictionID(), model: slug, input: input, createdAt: .now, runTime: settings.runTime,
            fate: fate, video: SyntheticVideo(model: slug, effectiveInput: effective, targetSize: settings.outputBytes),
            cost: ((model.cost?.amount ?? 0) * duration * 100).rounded() / 100,
            webhookURL: body.webhookURL, webhookSecret: body.webhookSecret,
            webhookPlan: body.webhookURL == nil ? .normal : await state.drawWebhookPlan(),
            createLost: await state.drawCreateLost())
        await state.add(prediction)
        webhooks.schedule(prediction, baseURL: Self.baseURL(of: request))
        let answer = JSONResponse.make([
            "status": "success", "message": "Prediction created",
            "predictionID": prediction.id,
        ])
        if await state.drawStartThenFail() { return Self.error(.internalServerError, "Internal server error") }
        return prediction.createLost ? Self.lostAnswer() : answer
    }

    /// Starts a plausible answer and drops the connection mid-body: the prediction exists, the client never
    /// learns its id.
    static func lostAnswer() -> Response {
        let body = ResponseBody(contentLength: 96) { writer in
            try await writer.write(ByteBuffer(string: "{\"status\": \"succ"))
            throw CancellationError()
        }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: body)
    }

    func readPrediction(_ request: Request, id: String) async throws -> Response {
        if let refusal = await authorize(request, isCreate: false) { return refusal }
        guard let prediction = await state.read(id: id) else {
            return Self.error(.notFound, "Prediction not found")
        }
        return JSONResponse.make(prediction.snapshot(at: .now, baseURL: Self.baseURL(of: request)))
    }

    /// Stops a running prediction: it ends `cancelled` at once (no webhook); one already finished is answered as it
    /// ended. The answer is the prediction, as a read gives it.
    func cancelPrediction(_ request: Request, id: String) async throws -> Response {
        if let refusal = await authorize(request, isCreate: false) { return refusal }
        guard let prediction = await state.cancel(id: id) else { return Self.error(.notFound, "Prediction not found") }
        return JSONResponse.make(prediction.snapshot(at: .now, baseURL: Self.baseURL(of: request)))
    }

    /// Like the provider, a prediction fails `INPUT_DOWNLOAD_ERROR` when an input is one of this provider's upload
    /// URLs whose bytes were never PUT (the simulator cannot fetch other hosts' URLs, so only its own are checked).
    func missingUpload(in input: [String: JSONValue], schema: RequestSchema, baseURL: String) async -> String? {
        let ownUploads = baseURL + "/uploads/"
        for reference in schema.mediaInputs(in: input, where: { $0.hasPrefix(ownUploads) }) {
            if await uploads.file(id: String(reference.value.dropFirst(ownUploads.count))) == nil { return reference.field }
        }
        return nil
    }

    /// Test hooks in the prompt: `#sim-error:CODE` fails the prediction with CODE, `#sim-cancel` cancels it.
    static func fate(for input: [String: JSONValue]) -> SimulatedPrediction.Fate {
        let prompt = input["prompt"]?.stringValue ?? ""
        if prompt.contains("#sim-cancel") { return .cancelled }
        if let marker = prompt.range(of: "#sim-error:") {
            let code = prompt[marker.upperBound...].prefix { $0.isLetter || $0 == "_" }
            return .failure(
                code: code.isEmpty ? "PROVIDER_FAILED" : String(code),
                message: "simulated failure requested by the prompt")
        }
        return .success
    }

    // MARK: - Webhook log

    func listWebhooks(_ request: Request) async throws -> Response {
        if let refusal = await authorize(request, isCreate: false, injectFaults: false) { return refusal }
        let query = request.uri.queryParameters
        let limit = query.get("limit").flatMap { Int($0) } ?? 50
        let offset = query.get("offset").flatMap { Int($0) } ?? 0
        guard (1...500).contains(limit), offset >= 0 else { return Self.error(.badRequest, "invalid limit parameter") }
        return JSONResponse.make(await state.webhookLogPage(limit: limit, offset: offset))
    }

    func readWebhook(_ request: Request, id: String) async throws -> Response {
        if let refusal = await authorize(request, isCreate: false, injectFaults: false) { return refusal }
        guard let entry = await state.webhookLogEntry(id: id) else { return Self.error(.notFound, "Webhook not found") }
        return JSONResponse.make(entry)
    }
}
