import Foundation
import HTTPTypes
import Hummingbird
import Storage
import VaultContract
import VaultDomain
import Workers

/// `POST /webhooks/eachlabs/{generation id}`: the provider's completion notice, handed to `Vault.receiveWebhook`
/// as raw bytes and headers; never downloads inside the request.
struct WebhooksController<UseCases: WebhookUseCases> {
    static var maxBodyBytes: Int { 256 * 1024 }
    let archive: UseCases

    func addRoutes(to group: RouterGroup<VaultRequestContext>) {
        group.post("{id}", use: receive)
    }

    @Sendable func receive(_ request: Request, context: VaultRequestContext) async throws -> Response {
        let body = try await request.body.collect(upTo: Self.maxBodyBytes)  // past it: a 413 (ErrorMiddleware)
        let effect: WebhookEffect
        do {
            effect = try await archive.receiveWebhook(
                WebhookDelivery(
                    generationID: try context.parameters.require("id"), signature: request.headers[.webhookSignature],
                    timestamp: request.headers[.webhookTimestamp], legacySecret: request.headers[.webhookSecret],
                    body: Data(buffer: body)))
        } catch is MalformedWebhookPayload {
            throw APIError.badRequest("the webhook body is not the documented JSON")
        }
        // One answer for every refusal (the reason is counted, not told): no oracle for ids or signatures.
        if case .rejected = effect {
            throw APIError(status: .unauthorized, code: "webhook_rejected", message: "the delivery is not authentic")
        }
        return try answer(effect.label, request: request, context: context)
    }
}

/// `{"status": "<verdict>"}`, encoded once per verdict (the provider posts thousands a second).
private let encodedAnswers = Dictionary(
    uniqueKeysWithValues: WebhookEffect.labels.compactMap { verdict in
        (try? ContractJSON.encoder().encode(StatusAnswer(verdict))).map { (verdict, ByteBuffer(bytes: $0)) }
    })

extension WebhooksController {
    private func answer(_ verdict: String, request: Request, context: VaultRequestContext) throws -> Response {
        guard let body = encodedAnswers[verdict] else {
            return try StatusAnswer(verdict).response(from: request, context: context)
        }
        return Response(
            status: .ok,
            headers: [.contentType: "application/json; charset=utf-8", .contentLength: String(body.readableBytes)],
            body: ResponseBody(byteBuffer: body))
    }
}

extension HTTPField.Name {
    static let webhookSignature = HTTPField.Name("X-Webhook-Signature")!
    static let webhookTimestamp = HTTPField.Name("X-Webhook-Timestamp")!
    static let webhookSecret = HTTPField.Name("X-Webhook-Secret")!
}
