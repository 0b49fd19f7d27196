import EachLabs
import Foundation
import Metrics
import Storage

/// A webhook delivery as it arrived: the raw body and the headers that authenticate it.
public struct WebhookDelivery: Sendable {
    public var generationID: String
    public var signature: String?
    public var timestamp: String?
    public var legacySecret: String?
    public var body: Data

    public init(generationID: String, signature: String?, timestamp: String?, legacySecret: String?, body: Data) {
        self.generationID = generationID
        self.signature = signature
        self.timestamp = timestamp
        self.legacySecret = legacySecret
        self.body = body
    }
}

/// An authentic delivery whose body is not the documented JSON.
public struct MalformedWebhookPayload: Error, Sendable {}

extension Vault {
    /// The provider's completion notice: verified over the raw bytes with the generation's own secret, stored and
    /// applied in one transaction, and the workers woken for what it started. An unknown generation is refused like
    /// a forged delivery, so the answer tells nobody which generations exist.
    public func receiveWebhook(_ delivery: WebhookDelivery) async throws -> WebhookEffect {
        let secret = try await webhookSecret(generationID: delivery.generationID)
        var scheme = WebhookScheme.none
        var rejection: WebhookRejection?
        if let secret, let signature = delivery.signature {
            scheme = .signature
            if case .rejected(let why) = WebhookSignature.verify(
                signatureHeader: signature, timestampHeader: delivery.timestamp, body: delivery.body, secret: secret,
                now: now())
            {
                rejection = why
            }
        } else if let secret, let presented = delivery.legacySecret {
            scheme = .legacySecret
            if !WebhookSignature.verifyLegacySecret(presented, secret: secret) { rejection = .wrongLegacySecret }
        } else {
            rejection = secret == nil ? .unknownGeneration : .missingSignature
        }
        var report: (predictionID: String, outcome: PollOutcome)?
        if rejection == nil {
            guard let payload = try? Self.payloadDecoder.decode(WebhookPayload.self, from: delivery.body) else {
                throw MalformedWebhookPayload()
            }
            report = (payload.execID, outcome(of: payload))
        }
        let received = ReceivedWebhook(
            generationID: delivery.generationID, scheme: scheme,
            timestampHeader: delivery.timestamp, body: delivery.body, rejection: rejection,
            report: report)
        let effect = try await webhookCommits.write(received)
        Self.deliveryCounters[effect.label]?.increment()
        switch effect {
        case .applied:
            downloadsDue.signal()
            pollsDue.signal()
            inputsDue.signal()  // an adopted prediction's inputs are now fetched
        case .confirmRequested:
            pollsDue.signal()
        case .extraPrediction:
            extraPredictionsDue.signal()
        case .duplicate:
            break
        case .rejected(let why):
            logger.notice("webhook rejected", metadata: ["reason": "\(why.rawValue)"])
        }
        return effect
    }
}

extension Vault {
    /// The generation's webhook secret, from memory when a delivery for it was seen before.
    private func webhookSecret(generationID: String) async throws -> String? {
        if let known = webhookSecrets[generationID] { return known }
        let secret = try await webhookSecretReads.write(generationID)
        if let secret { webhookSecrets.insert(secret, for: generationID) }
        return secret
    }

    static let payloadDecoder = JSONDecoder()

    /// `eachvault_webhook_deliveries_total` by verdict, looked up once rather than per delivery.
    static let deliveryCounters = Dictionary(
        uniqueKeysWithValues: WebhookEffect.labels.map {
            ($0, Counter(label: "eachvault_webhook_deliveries_total", dimensions: [("verdict", $0)]))
        })
}

extension WebhookEffect {
    /// Every `label`, each once.
    public static let labels = ["applied", "duplicate", "confirm", "extra", "rejected"]

    public var label: String {
        switch self {
        case .applied: "applied"
        case .duplicate: "duplicate"
        case .confirmRequested: "confirm"
        case .extraPrediction: "extra"
        case .rejected: "rejected"
        }
    }
}
