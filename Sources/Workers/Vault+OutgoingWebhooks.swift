import Crypto
import Foundation
import Metrics
import Storage
import Transport
import VaultContract

extension Vault {
    /// Delivers one outbox message to its endpoint, signed as the Standard Webhooks specification says
    /// (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`), and
    /// records the attempt: a 2xx ends it; anything else is tried again after the next wait of
    /// `settings.outgoingRetries`, and after the last the message is given up and the endpoint disabled.
    func deliver(_ message: OutgoingMessage) async throws {
        let timestamp = String(Int(now().timeIntervalSince1970))
        var request = HTTPRequest(
            method: "POST", url: message.url,
            headers: [
                ("Content-Type", "application/json"), ("webhook-id", message.messageID),
                ("webhook-timestamp", timestamp),
                ("webhook-signature", Self.signature(message, timestamp: timestamp)),
            ],
            body: Data(message.payload.utf8), timeout: .seconds(15))
        request.publicAddressesOnly = settings.inputsFromPublicAddressesOnly
        let started = ContinuousClock.now
        var status: Int?
        var excerpt: String?
        var failure: String?
        do {
            let response = try await transport.send(request, maxBodyBytes: 64 << 10)
            status = response.status
            excerpt = String(decoding: response.body.prefix(512), as: UTF8.self)
        } catch {
            failure = settings.inputsFromPublicAddressesOnly ? "could not reach the endpoint at a public address" : error.description
        }
        let delivered = status.map { (200..<300).contains($0) } ?? false
        let wait = message.attempts < settings.outgoingRetries.count ? settings.outgoingRetries[message.attempts] : nil
        let retryAt = wait.map { now().addingTimeInterval($0.seconds * Double.random(in: 0.8...1.2)) }
        Counter(label: "eachvault_outgoing_webhooks_total", dimensions: [("outcome", delivered ? "delivered" : retryAt == nil ? "gave_up" : "retry")])
            .increment()
        let latencyMS = (ContinuousClock.now - started).seconds * 1000
        try await recording(
            "an outgoing webhook attempt",
            await store.recordAttempt(
                message, status: status, latencyMS: latencyMS, excerpt: excerpt.map(StoredText.clean),
                error: failure.map(StoredText.clean), delivered: delivered, retryAt: retryAt, now: now()))
        if !delivered && retryAt == nil {
            logger.warning("an endpoint was disabled after a day of failed deliveries", metadata: ["endpoint": "\(message.endpointID)"])
        }
    }

    /// `v1,<base64 HMAC-SHA256>` over `id.timestamp.body` with the secret's bytes (the base64 after `whsec_`).
    static func signature(_ message: OutgoingMessage, timestamp: String) -> String {
        let key = Data(base64Encoded: String(message.secret.dropFirst("whsec_".count))) ?? Data(message.secret.utf8)
        let mac = HMAC<SHA256>.authenticationCode(
            for: Data("\(message.messageID).\(timestamp).\(message.payload)".utf8), using: SymmetricKey(data: key))
        return "v1," + Data(mac).base64EncodedString()
    }
}
