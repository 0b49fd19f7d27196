import EachLabs
import Foundation
import Storage
import Transport

/// Sending creates to the provider, once each: the intent journal, definite failures retried, uncertain ones
/// reconciled, never resent.
extension Vault {
    /// Sends one create for a pending generation and records the outcome. Intent is committed before the call,
    /// so a crash in between is detected on restart rather than answered with a second (billed) prediction.
    func submit(_ generation: Generation) async throws {
        let id = generation.id
        guard try await recording("the intent to submit", await store.beginSubmission(id: id, now: now())) else {
            return
        }
        let attempt = generation.submitAttempts + 1
        var predictionID: String?
        do {
            let created = try await provider.createPrediction(
                CreatePrediction(
                    model: generation.model, version: generation.version, input: generation.input,
                    webhookURL: generation.webhookSecret == nil ? nil : webhookURL(for: id),
                    webhookSecret: generation.webhookSecret))
            predictionID = created
            try await store.recordSubmitted(
                id: id, predictionID: created, now: now(),
                firstPollAt: after(firstPollDelay(for: generation)))
            pollsDue.signal()
            inputsDue.signal()  // inputs are fetched once the provider accepted the request
            logger.info("submitted", metadata: ["generation": "\(id)", "prediction": "\(created)"])
        } catch let error as ProviderError {
            do {
                try await handleCreateFailure(error, id: id, attempt: attempt)
            } catch {
                unsettledCreates.note(id, predictionID: nil)
                throw error
            }
        } catch {
            // The create was made (or cut off) but its outcome not written: its intent mark keeps the queue from
            // sending it again, so it is settled by the next sweep of cut-off creates, with its prediction if known.
            unsettledCreates.note(id, predictionID: predictionID)
            throw UnrecordedOutcome(what: "a submission", cause: error)
        }
    }

    private func handleCreateFailure(_ error: ProviderError, id: String, attempt: Int) async throws {
        logger.warning("create failed", metadata: ["generation": "\(id)", "error": "\(error)"])
        let now = now()
        do {
            if error.createMayHaveSucceeded {
                // The create may have reached the provider: never sent again blindly, but reconciled.
                try await settleUncertainCreate(id: id, cause: "the create's answer was lost (\(error))")
            } else if error.isTransient && attempt < settings.maxSubmitAttempts {
                let wait: Duration
                if case .rateLimited(let retryAfter?) = error {
                    wait = retryAfter
                } else {
                    wait = settings.providerRetry.delay(attempt: attempt - 1)
                }
                try await store.deferSubmission(
                    id: id, retryAt: now.addingTimeInterval(wait.seconds),
                    reason: "attempt \(attempt): \(error)", now: now)
                submissionsDue.signal()
            } else {
                try await store.failGeneration(
                    id: id, code: Self.failureCode(for: error), message: error.description,
                    now: now)
            }
        } catch let unrecorded as UnrecordedOutcome {
            throw unrecorded
        } catch {
            throw UnrecordedOutcome(what: "a create failure", cause: error)
        }
    }

    static func failureCode(for error: ProviderError) -> String {
        switch error {
        case .badRequest: "provider_rejected_input"
        case .notFound: "unknown_model"
        case .rateLimited, .server, .transport, .malformedResponse: "submit_failed"
        case .unauthorized: error.code
        }
    }

    /// Generations whose create was cut off (the service stopped, or another instance died, mid-call) are settled
    /// like a lost answer. Looked for at start and every few minutes.
    public func reconcileInterruptedSubmissions() async {
        for (id, predictionID) in unsettledCreates.all {
            do {
                if let predictionID {
                    _ = try await store.adoptPrediction(generationID: id, predictionID: predictionID, now: now())
                    pollsDue.signal()
                } else {
                    try await settleUncertainCreate(id: id, cause: "the create's outcome could not be recorded")
                }
                unsettledCreates.settled(id)
            } catch {
                logger.error("\(error)", metadata: ["generation": "\(id)"])  // looked for again next time
            }
        }
        for generation in await (try? store.interruptedSubmissions(processStart: startedAt, now: now())) ?? [] {
            do {
                try await settleUncertainCreate(id: generation.id, cause: "the service stopped while the create was in flight")
            } catch {
                logger.error("\(error)", metadata: ["generation": "\(generation.id)"])  // looked for again next time
            }
        }
    }

    /// With webhooks on, the prediction (if the provider started one) announces itself by webhook or shows in the
    /// provider's webhook log, so the generation waits for that. Without, there is no way to ask which
    /// predictions exist: the generation ends `submit_uncertain` rather than risk a second billed prediction.
    func settleUncertainCreate(id: String, cause: String) async throws {
        logger.warning("uncertain create", metadata: ["generation": "\(id)", "cause": "\(cause)"])
        do {
            if webhooksEnabled {
                try await store.markSubmitUncertain(
                    id: id,
                    reason: "\(cause); looking for the prediction in webhooks and the provider's webhook log, "
                        + "not resending", checkAt: after(settings.reconcileInterval.delay(attempt: 0)), now: now())
                reconciliationsDue.signal()
            } else {
                try await store.failGeneration(
                    id: id, code: "submit_uncertain",
                    message: "\(cause); the provider may have started this prediction, so it was not resent to "
                        + "avoid paying twice (set EACHVAULT_PUBLIC_URL to let webhooks reconcile such cases)",
                    now: now())
            }
        } catch {
            throw UnrecordedOutcome(what: "an uncertain create", cause: error)
        }
    }

    /// When to look at a new prediction first: soon without webhooks; once its webhook is overdue with them.
    func firstPollDelay(for generation: Generation) async -> Duration {
        guard generation.webhookSecret != nil else { return settings.firstPollDelay }
        let typical =
            (try? await store.typicalRunTime(model: generation.model)).flatMap { $0 }
            .map { Duration.seconds(clamping: $0, limit: 86400) } ?? settings.assumedRunTime  // the provider's figures
        return typical + settings.webhookGrace
    }
}
