import EachLabs
import Foundation

/// One prediction the simulator is running, with everything decided at create time (fate and faults), so the
/// simulator can report the ground truth to tests.
struct SimulatedPrediction: Sendable {
    enum Fate: Sendable, Equatable {
        case success
        case failure(code: String, message: String)
        case cancelled
    }

    /// How its webhook misbehaves, if at all.
    enum WebhookPlan: String, Sendable, Codable {
        case normal, drop, duplicate, delay, reorder, wrongSecret = "wrong_secret", legacyOnly = "legacy_only"
    }

    let id: String
    let model: String
    let input: [String: JSONValue]
    let createdAt: ContinuousClock.Instant
    private(set) var runTime: Duration
    private(set) var fate: Fate
    let video: SyntheticVideo
    let cost: Double
    let webhookURL: String?
    let webhookSecret: String?
    let webhookPlan: WebhookPlan
    let createLost: Bool

    var finishedAt: ContinuousClock.Instant { createdAt + runTime }

    /// Stopped at `now` by a cancel, if it was still running: it ends `cancelled` there, and sends no webhook.
    mutating func cancel(at now: ContinuousClock.Instant) {
        guard !status(at: now).isFinal else { return }
        fate = .cancelled
        runTime = now - createdAt
    }

    /// Where the prediction stands at `now`: created → starting → processing → its fate.
    func status(at now: ContinuousClock.Instant) -> PredictionStatus {
        let elapsed = now - createdAt
        if elapsed >= runTime {
            switch fate {
            case .success: return .success
            case .failure: return .error
            case .cancelled: return .cancelled
            }
        }
        if elapsed < runTime * 0.1 { return .created }
        if elapsed < runTime * 0.3 { return .starting }
        return .processing
    }

    /// The provider's answer to `GET /v1/prediction/{id}`; `baseURL` is where its output is served.
    func snapshot(at now: ContinuousClock.Instant, baseURL: String) -> Prediction {
        let status = status(at: now)
        var output: JSONValue?
        var metrics: Prediction.Metrics?
        switch (status, fate) {
        case (.success, _):
            output = .string(outputURL(baseURL: baseURL))
            metrics = Prediction.Metrics(predictTime: runTime.secondsValue, cost: cost)
        case (.error, .failure(let code, let message)):
            output = .object(["error_code": .string(code), "error_message": .string(message)])
            metrics = Prediction.Metrics(predictTime: runTime.secondsValue, cost: 0)
        default:
            break
        }
        return Prediction(
            id: id, input: input, status: status, output: output, logs: nil, metrics: metrics,
            urls: ["get": "\(baseURL)/v1/prediction/\(id)", "cancel": "\(baseURL)/v1/prediction/\(id)/cancel"])
    }

    func outputURL(baseURL: String) -> String { "\(baseURL)/files/\(id)/output.mp4" }

    /// The webhook body the provider sends on a final state (none for a cancellation).
    func webhookBody(baseURL: String) -> JSONValue? {
        switch fate {
        case .success:
            return .object([
                "exec_id": .string(id), "flow_id": .null, "status": "succeeded",
                "output": .string(outputURL(baseURL: baseURL)), "error": "",
            ])
        case .failure(let code, let message):
            // Older failures carry a plain string: alternate the two documented shapes.
            let error: JSONValue =
                id.hasSuffix("0")
                ? .string(message)
                : .object(["error_code": .string(code), "error_message": .string(message)])
            return .object([
                "exec_id": .string(id), "flow_id": .null, "status": "failed",
                "output": .array([.object(["id": "", "status": "", "output": "", "error": error])]),
                "error": "",
            ])
        case .cancelled:
            return nil
        }
    }
}

extension Duration {
    var secondsValue: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// What really happened to a prediction, for tests to compare EachVault's archive against.
public struct PredictionTruth: Sendable, Codable, Equatable {
    public var id: String
    public var model: String
    /// `success`, `error` or `cancelled`.
    public var fate: String
    public var errorCode: String?
    public var webhookURL: String?
    public var webhook: String
    public var createLost: Bool

    enum CodingKeys: String, CodingKey {
        case id, model, fate, webhook
        case errorCode = "error_code"
        case webhookURL = "webhook_url"
        case createLost = "create_lost"
    }
}
