import Archive
import EachLabs
import Foundation
import HTTPSupport
import HTTPTypes
import Hummingbird
import Metrics
import Workers

/// `POST /webhooks/eachlabs/{generation id}`: the provider's completion notice. Verified over the raw bytes,
/// stored and applied in one transaction before the answer; never downloads inside the request.
struct WebhooksController {
    static let maxBodyBytes = 256 * 1024
    let vault: Vault

    func addRoutes(to group: RouterGroup<VaultRequestContext>) {
        group.post("{id}", use: receive)
    }

    @Sendable func receive(_ request: Request, context: VaultRequestContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        let body: ByteBuffer
        do { body = try await request.body.collect(upTo: Self.maxBodyBytes) } catch {
            throw APIError(status: .contentTooLarge, code: "too_large",
                           message: "webhook bodies are limited to \(Self.maxBodyBytes) bytes")
        }
        let bytes = Data(buffer: body)
        // An unknown id is answered like a forged delivery: the endpoint tells nobody which generations exist.
        let secret = try await vault.database.offloaded { try $0.generation(id: id)?.webhookSecret }
        let timestamp = request.headers[.webhookTimestamp]
        var scheme = WebhookScheme.none
        var rejection: WebhookRejection?
        if secret == nil {
            rejection = .unknownGeneration
        } else if let secret, let signature = request.headers[.webhookSignature] {
            scheme = .signature
            if case .rejected(let why) = WebhookSignature.verify(
                signatureHeader: signature, timestampHeader: timestamp, body: bytes, secret: secret, now: vault.clock.now())
            {
                rejection = why
            }
        } else if let secret, let presented = request.headers[.webhookSecret] {
            scheme = .legacySecret
            if !WebhookSignature.verifyLegacySecret(presented, secret: secret) { rejection = .wrongLegacySecret }
        } else {
            rejection = .missingSignature
        }
        var payload: WebhookPayload?
        if rejection == nil {
            payload = try? JSONDecoder().decode(WebhookPayload.self, from: bytes)
            if payload == nil {
                throw APIError.badRequest("the webhook body is not the documented JSON")
            }
        }
        let delivery = ReceivedWebhook(generationID: id, scheme: scheme, timestampHeader: timestamp, body: bytes,
                                       rejection: rejection, payload: payload)
        let effect = try await vault.database.offloaded { [now = vault.clock.now()] in
            try $0.recordWebhook(delivery, now: now)
        }
        Counter(label: "eachvault_webhook_deliveries_total", dimensions: [("verdict", effect.label)]).increment()
        switch effect {
        case .applied:
            vault.downloadsDue.signal()
            vault.pollsDue.signal()
            vault.inputsDue.signal()  // an adopted prediction's inputs are now fetched
        case .confirmRequested:
            vault.pollsDue.signal()
        case .extraPrediction:
            vault.extraPredictionsDue.signal()
        case .duplicate:
            break
        case .rejected(let why):
            vault.logger.notice("webhook rejected", metadata: ["reason": "\(why.rawValue)"])
            // One answer for every refusal (the reason is counted, not told): no oracle for ids or signatures.
            throw APIError(status: .unauthorized, code: "webhook_rejected", message: "the delivery is not authentic")
        }
        return JSONResponse.make(["status": effect.label])
    }
}

extension WebhookEffect {
    var label: String {
        switch self {
        case .applied: "applied"
        case .duplicate: "duplicate"
        case .confirmRequested: "confirm"
        case .extraPrediction: "extra"
        case .rejected: "rejected"
        }
    }
}

extension HTTPField.Name {
    static let webhookSignature = HTTPField.Name("X-Webhook-Signature")!
    static let webhookTimestamp = HTTPField.Name("X-Webhook-Timestamp")!
    static let webhookSecret = HTTPField.Name("X-Webhook-Secret")!
}
