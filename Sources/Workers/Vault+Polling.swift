import EachLabs
import Foundation
import Metrics
import ServiceLifecycle
import Storage

extension Vault {
    /// Reads one prediction and records what it says.
    func poll(_ generation: Generation) async throws {
        guard let predictionID = generation.predictionID else { return }
        Counter(label: "eachvault_polls_total").increment()
        do {
            let prediction = try await provider.prediction(id: predictionID)
            try await store.recordPoll(id: generation.id, outcome: outcome(of: prediction, generation), now: now())
            if prediction.status == .success { downloadsDue.signal() }
        } catch _ where Task.isCancelled {
            return  // shutting down: the poll is simply made again after the restart
        } catch let error as ProviderError {
            try await handlePollFailure(error, generation)
        } catch {
            throw UnrecordedOutcome(what: "a poll", cause: error)
        }
    }

    /// Transient errors are retried for as long as it takes (nothing is lost by waiting); an id the provider
    /// keeps denying knowing ends the generation as `prediction_lost`.
    private func handlePollFailure(_ error: ProviderError, _ generation: Generation) async throws {
        logger.warning("poll failed", metadata: ["generation": "\(generation.id)", "error": "\(error)"])
        do {
            if !error.isTransient && error != .unauthorized && generation.pollAttempts + 1 >= settings.pollsBeforeLost {
                try await store.failGeneration(
                    id: generation.id, code: "prediction_lost",
                    message: "the provider no longer answers for this prediction: \(error)",
                    now: now())
                return
            }
            var wait = settings.providerRetry.delay(attempt: min(generation.pollAttempts, 10))
            if case .rateLimited(let retryAfter?) = error { wait = max(retryAfter, .milliseconds(100)) }
            // A rejected key will not fix itself within seconds: look again rarely until someone fixes it.
            if error == .unauthorized { wait = max(wait, .seconds(300)) }
            try await store.reschedulePoll(
                id: generation.id, retryAt: after(wait), reason: error.description,
                now: now())
        } catch {
            throw UnrecordedOutcome(what: "a failed poll", cause: error)
        }
    }
}
