import EachLabs
import Foundation
import Transport

/// Delivers a prediction's webhook the way the provider does: once it is final (never for a cancellation), signed
/// with the prediction's secret, up to three attempts until a 2xx, every attempt with the same timestamp and
/// signature, each logged for `GET /v1/webhooks`. Faults drawn at create time bend this on purpose.
struct WebhookSender: Sendable {
    static let attempts = 3
    let state: SimulatorState
    let transport: any HTTPTransport
    let retryInterval: Duration

    func schedule(_ prediction: SimulatedPrediction, baseURL: String) {
        guard let url = prediction.webhookURL, let body = prediction.webhookBody(baseURL: baseURL) else { return }
        Task {
            var due = prediction.finishedAt
            switch prediction.webhookPlan {
            case .delay: due = due + prediction.runTime * 3 + .seconds(1)
            case .reorder: due = due + prediction.runTime * Double.random(in: 0...2)
            default: break
            }
            try? await Task.sleep(until: due, clock: .continuous)
            // Cancelled in the meantime: a cancellation sends none.
            guard await state.current(id: prediction.id)?.fate == prediction.fate else { return }
            await deliver(prediction, url: url, body: body)
        }
    }

    private func deliver(_ prediction: SimulatedPrediction, url: String, body: JSONValue) async {
        let bytes = Data(((try? JSONValue.canonicalJSON(body)) ?? "{}").utf8)
        let timestamp = Int(Date().timeIntervalSince1970)
        let secret = prediction.webhookSecret ?? ""
        let signingSecret = prediction.webhookPlan == .wrongSecret ? "wrong-" + secret : secret
        var headers: [(name: String, value: String)] = [
            ("Content-Type", "application/json"),
            ("X-Webhook-Timestamp", String(timestamp)),
        ]
        if prediction.webhookSecret != nil {
            if prediction.webhookPlan != .legacyOnly {
                headers.append(
                    (
                        "X-Webhook-Signature",
                        WebhookSignature.header(body: bytes, timestamp: timestamp, secret: signingSecret)
                    ))
            }
            headers.append(("X-Webhook-Secret", signingSecret))
        }
        let request = HTTPRequest(method: "POST", url: url, headers: headers, body: bytes, timeout: .seconds(10))
        for attempt in 0..<Self.attempts {
            if attempt > 0 { try? await Task.sleep(for: retryInterval) }
            if prediction.webhookPlan == .drop {
                // Lost on the way: the provider's log shows a failed attempt, the receiver sees nothing.
                await state.logWebhookAttempt(prediction: prediction, succeeded: false, statusCode: nil)
                continue
            }
            let status = (try? await transport.send(request, maxBodyBytes: 64 * 1024))?.status
            let succeeded = status.map { (200..<300).contains($0) } ?? false
            await state.logWebhookAttempt(prediction: prediction, succeeded: succeeded, statusCode: status)
            if succeeded && prediction.webhookPlan == .duplicate {
                _ = try? await transport.send(request, maxBodyBytes: 64 * 1024)
                await state.logWebhookAttempt(prediction: prediction, succeeded: true, statusCode: status)
            }
            if succeeded { return }
        }
    }
}
