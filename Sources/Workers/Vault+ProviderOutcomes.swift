import EachLabs
import Foundation
import Storage

/// The provider's statuses and payload shapes, mapped to what they mean for a generation: the one place that
/// knows them, shared by polls, webhooks, imports and extra predictions. Storage sees only `PollOutcome`.
extension Vault {
    /// Where a prediction stands, from the provider's read of it.
    func outcome(of prediction: Prediction, _ generation: Generation) -> PollOutcome {
        switch prediction.status {
        case .success:
            return .succeeded(
                outputURLs: prediction.outputURLs, costUSD: prediction.metrics?.cost,
                predictTime: prediction.metrics?.predictTime)
        case .error:
            let failure = prediction.failure ?? PredictionFailure(output: nil)
            return .failed(code: failure.code, message: failure.message, costUSD: prediction.metrics?.cost)
        case .cancelled:
            return .cancelled
        case .created, .starting, .processing, .other:
            let interval = settings.pollInterval.delay(attempt: generation.pollAttempts)
            return .running(providerStatus: prediction.status.rawValue, nextPollAt: after(interval))
        }
    }

    /// Where a prediction stands, from its webhook (no cost there: that comes with the confirming read).
    func outcome(of payload: WebhookPayload) -> PollOutcome {
        switch payload.outcome {
        case .success: .succeeded(outputURLs: payload.outputURLs, costUSD: nil, predictTime: nil)
        case .error: .failed(code: payload.failure.code, message: payload.failure.message, costUSD: nil)
        case .cancelled: .cancelled
        default: .running(providerStatus: payload.status, nextPollAt: now())
        }
    }
}
