import Archive
import Foundation
import HTTPTypes
import Hummingbird
import VaultContract
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
        return try StatusAnswer(effect.label).response(from: request, context: context)
    }
}

extension HTTPField.Name {
    static let webhookSignature = HTTPField.Name("X-Webhook-Signature")!
    static let webhookTimestamp = HTTPField.Name("X-Webhook-Timestamp")!
    static let webhookSecret = HTTPField.Name("X-Webhook-Secret")!
}
