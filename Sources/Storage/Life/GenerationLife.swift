import Foundation
import VaultDomain

/// A generation's life as pure functions: given the generation as stored and what was learned, the generation it
/// becomes and what follows from it (files to fetch, lines of history, an event for the team's endpoints). No I/O:
/// a store reads the row under its lock, asks here, and writes the `Step` in the same transaction
/// (`SQLSession.persist`), so both databases follow this one definition.
///
///     pending ─create answered─▶ submitted ─running─▶ processing
///        └──prediction found (webhook, log)──▶ submitted        │
///     submitted/processing ─succeeded─▶ downloading ─last output stored─▶ completed
///                          ─failed────▶ failed      (downloading ─an output given up─▶ failed)
///                          ─cancelled─▶ cancelled
///     pending (nothing sent) ─cancel asked─▶ cancelled
///
/// A success told by a webhook carries no cost: one confirming read later settles it (`confirmPending`).
public enum GenerationLife {
    /// Who told EachVault where a prediction stands.
    public enum Source: String, Sendable {
        case polled, webhook, imported
        case extraPrediction = "extra prediction"
        case cancelRequest = "the team's cancel"
    }

    /// What a transition does: the generation after it, and what else is to be written with it.
    public struct Step: Sendable, Equatable {
        public var generation: Generation
        /// Output URLs to download, in the provider's order.
        public var outputsToFetch: [String] = []
        public var history: [HistoryLine] = []
        public var announcement: Announcement?

        init(_ generation: Generation) { self.generation = generation }
    }

    public struct HistoryLine: Sendable, Equatable {
        public var kind: String
        public var detail: String?
    }

    /// An outgoing event for the team's endpoints.
    public struct Announcement: Sendable, Equatable {
        public var type: OutgoingEventType
        public var data: [String: String]
    }

    /// A create is about to be sent: the intent is marked first, so a crash mid-call is found on restart. Nil
    /// unless the generation waits for its create and none is in flight (two workers never send one twice).
    public static func createBegun(_ generation: Generation, at now: Date) -> Step? {
        guard generation.status == .pending, generation.submitStartedAt == nil else { return nil }
        var step = Step(generation)
        step.generation.submitStartedAt = now
        step.generation.submitAttempts += 1
        step.generation.updatedAt = now
        step.generation.nextActionAt = nil
        return step
    }

    /// The provider accepted the create: the prediction is remembered and its first poll scheduled. Nil unless the
    /// generation waits for its create (pending).
    public static func submitted(predictionID: String, firstPollAt: Date, _ generation: Generation, at now: Date) -> Step? {
        guard generation.status == .pending else { return nil }
        var step = Step(generation)
        step.generation.status = .submitted
        step.generation.predictionID = predictionID
        step.generation.submittedAt = now
        step.generation.submitStartedAt = nil
        step.generation.updatedAt = now
        step.generation.nextActionAt = firstPollAt
        step.history.append(HistoryLine(kind: "submitted", detail: "prediction \(predictionID)"))
        return step
    }

    /// The create certainly started no prediction (a definite 429 or 5xx answer): it is sent again at `retryAt`.
    /// Nil unless the generation waits for its create.
    public static func createDeferred(until retryAt: Date, reason: String, _ generation: Generation, at now: Date) -> Step? {
        guard generation.status == .pending else { return nil }
        var step = Step(generation)
        step.generation.submitStartedAt = nil
        step.generation.nextActionAt = retryAt
        step.generation.updatedAt = now
        step.history.append(HistoryLine(kind: "submit_deferred", detail: reason))
        return step
    }

    /// The create may have reached the provider (its answer was lost, or the process died mid-call): the intent
    /// mark is kept and the prediction looked for at `checkAt` instead of resending. Nil unless pending.
    public static func createUncertain(checkAt: Date, reason: String, _ generation: Generation, at now: Date) -> Step? {
        guard generation.status == .pending else { return nil }
        var step = Step(generation)
        step.generation.submitUncertainSince = generation.submitUncertainSince ?? now
        step.generation.submitStartedAt = generation.submitStartedAt ?? now
        step.generation.nextActionAt = checkAt
        step.generation.updatedAt = now
        step.history.append(HistoryLine(kind: "create_uncertain", detail: reason))
        return step
    }

    /// A create that may not have reached the provider (pending with the create uncertain, or failed as
    /// `submit_uncertain`, with no prediction known) goes back to the submission queue, due now. Nil otherwise.
    public static func createResent(reason: String, _ generation: Generation, at now: Date) -> Step? {
        let uncertain =
            (generation.status == .pending && generation.submitUncertainSince != nil)
            || (generation.status == .failed && generation.errorCode == "submit_uncertain")
        guard generation.predictionID == nil, uncertain else { return nil }
        var step = Step(generation)
        step.generation.reopen(as: .pending, at: now)
        step.history.append(HistoryLine(kind: "create_resent", detail: reason))
        return step
    }

    /// A poll's answer: moves a submitted or running generation on, settles the confirmation a webhook's success
    /// left owed, and changes nothing otherwise (a late answer for a settled generation): nil.
    public static func polled(_ outcome: PollOutcome, _ generation: Generation, at now: Date) -> Step? {
        if generation.status == .submitted || generation.status == .processing {
            return reported(outcome, by: .polled, generation, at: now)
        }
        return generation.confirmPending ? confirmed(outcome, generation, at: now) : nil
    }

    /// Where the provider says the prediction stands, for a generation it runs (submitted or processing).
    public static func reported(_ outcome: PollOutcome, by source: Source, _ generation: Generation, at now: Date) -> Step {
        var step = Step(generation)
        switch outcome {
        case .running(let providerStatus, let nextPollAt):
            step.generation.status = .processing
            step.generation.providerStatus = providerStatus
            step.generation.nextActionAt = nextPollAt
            step.generation.pollAttempts += 1
            step.generation.updatedAt = now
            if generation.providerStatus != providerStatus {
                step.history.append(HistoryLine(kind: source.rawValue, detail: "provider status \(providerStatus)"))
            }
        case .succeeded(let urls, let cost, let predictTime):
            guard !urls.isEmpty else {
                return failed(code: "no_output", message: "the provider reported success without a file", generation, at: now)
            }
            let fromWebhook = source == .webhook
            step.generation.status = .downloading
            step.generation.providerStatus = "success"
            step.generation.costUSD = cost
            step.generation.predictTimeS = predictTime
            step.generation.confirmPending = fromWebhook
            step.generation.nextActionAt = fromWebhook ? now : nil
            step.generation.updatedAt = now
            step.generation.pollAttempts += fromWebhook ? 0 : 1
            step.outputsToFetch = urls
            step.history.append(HistoryLine(kind: "succeeded", detail: "\(source.rawValue): \(urls.count) output file(s) to download"))
        case .failed(let code, let message, let cost):
            var reported = generation
            reported.providerStatus = "error"
            reported.costUSD = cost
            return failed(code: code, message: message, reported, at: now)
        case .cancelled:
            step.generation.end(.cancelled, code: "cancelled", message: "the prediction was cancelled at the provider", at: now)
            step.generation.providerStatus = "cancelled"
            step.history.append(HistoryLine(kind: "cancelled", detail: "cancelled at the provider (\(source.rawValue))"))
            step.announcement = Announcement(type: .generationCancelled, data: ["status": "cancelled"])
        }
        return step
    }

    /// The team asked to cancel. Without `answer` (nothing was sent to the provider): a generation that waits for its
    /// create, with none in flight or uncertain, ends as cancelled. With the provider's answer to the cancel: a
    /// submitted or running generation moves as the answer says (cancelled, or finished first, or still stopping
    /// and polled again). Nil when the cancel does not apply.
    public static func cancelAsked(answer: PollOutcome?, _ generation: Generation, at now: Date) -> Step? {
        guard let answer else {
            let unsent =
                generation.status == .pending && generation.predictionID == nil && generation.submitStartedAt == nil
                && generation.submitUncertainSince == nil
            guard unsent else { return nil }
            var step = Step(generation)
            step.generation.end(.cancelled, code: "cancelled", message: "cancelled by the team before it was sent", at: now)
            step.history.append(HistoryLine(kind: "cancelled", detail: "by the team, before the create was sent"))
            step.announcement = Announcement(type: .generationCancelled, data: ["status": "cancelled"])
            return step
        }
        guard generation.status == .submitted || generation.status == .processing else { return nil }
        var step = reported(answer, by: .cancelRequest, generation, at: now)
        step.history.insert(HistoryLine(kind: "cancel_requested", detail: "by the team"), at: 0)
        return step
    }

    /// The confirming read a webhook's success left owed: its cost and run time, or another look in 30 s while the
    /// provider does not (yet) agree; what the signed webhook said is kept either way.
    public static func confirmed(_ outcome: PollOutcome, _ generation: Generation, at now: Date) -> Step {
        var step = Step(generation)
        guard case .succeeded(_, let cost, let predictTime) = outcome else {
            step.generation.nextActionAt = now.addingTimeInterval(30)
            return step
        }
        step.generation.costUSD = cost
        step.generation.predictTimeS = predictTime
        step.generation.confirmPending = false
        step.generation.nextActionAt = nil
        step.generation.pollAttempts += 1
        step.generation.updatedAt = now
        step.history.append(HistoryLine(kind: "confirmed", detail: "cost \(cost.map { String($0) } ?? "unknown")"))
        return step
    }

    /// A webhook authenticated by the legacy secret only: what it says is confirmed with the provider first, by a
    /// poll due now.
    public static func confirmationAsked(_ generation: Generation, at now: Date) -> Step {
        var step = Step(generation)
        step.generation.nextActionAt = now
        step.generation.updatedAt = now
        return step
    }

    /// A poll could not be made (rate limit, provider or network error): the generation is looked at again at
    /// `retryAt` if it is still being polled (or owes a confirmation); the failure is told in its history either way.
    public static func pollFailed(retryAt: Date, reason: String, _ generation: Generation, at now: Date) -> Step {
        var step = Step(generation)
        step.history.append(HistoryLine(kind: "poll_failed", detail: reason))
        guard generation.status == .submitted || generation.status == .processing || generation.confirmPending else {
            return step
        }
        step.generation.nextActionAt = retryAt
        step.generation.pollAttempts += 1
        step.generation.updatedAt = now
        return step
    }

    /// The search for a cut-off create's prediction found nothing yet: looked for again at `retryAt`. Nil unless
    /// the generation still waits (pending).
    public static func reconciliationDeferred(until retryAt: Date, _ generation: Generation) -> Step? {
        guard generation.status == .pending else { return nil }
        var step = Step(generation)
        step.generation.nextActionAt = retryAt
        return step
    }

    /// Ends a generation as failed, keeping the cause; one already ended keeps its end (the attempt is still told
    /// in its history).
    public static func failed(code: String, message: String, _ generation: Generation, at now: Date) -> Step {
        var step = Step(generation)
        step.history.append(HistoryLine(kind: "failed", detail: "\(code): \(message)"))
        guard !generation.status.isFinal else { return step }
        step.generation.end(.failed, code: code, message: message, at: now)
        step.generation.submitStartedAt = nil
        step.announcement = Announcement(type: .generationFailed, data: ["status": "failed", "error_code": code])
        return step
    }

    /// The prediction of a generation whose create answer never arrived, found through `how` (its webhook, the
    /// provider's webhook log). Also revives one given up as `submit_uncertain`: the provider did run it, and what
    /// was paid for is archived. Nil when the generation has a prediction already or is past being adopted.
    public static func adopted(predictionID: String, how: String, _ generation: Generation, at now: Date) -> Step? {
        let revivable =
            generation.status == .pending || (generation.status == .failed && generation.errorCode == "submit_uncertain")
        guard generation.predictionID == nil, revivable else { return nil }
        var step = Step(generation)
        step.generation.reopen(as: .submitted, at: now)
        step.generation.predictionID = predictionID
        step.generation.submittedAt = generation.submittedAt ?? now
        step.history.append(
            HistoryLine(kind: "reconciled", detail: "prediction \(predictionID) found through \(how); the create was not sent again"))
        return step
    }

    /// The last output is stored: a downloading generation is complete. Nil in any other state.
    public static func lastOutputStored(_ generation: Generation, at now: Date) -> Step? {
        guard generation.status == .downloading else { return nil }
        var step = Step(generation)
        step.generation.status = .completed
        step.generation.completedAt = now
        step.generation.updatedAt = now
        step.history.append(HistoryLine(kind: "completed", detail: nil))
        step.announcement = Announcement(type: .generationCompleted, data: ["status": "completed"])
        return step
    }
}

extension Generation {
    /// Ended with its cause (none for a success), nothing further scheduled.
    fileprivate mutating func end(_ status: GenerationStatus, code: String?, message: String?, at now: Date) {
        self.status = status
        errorCode = code
        errorMessage = message
        completedAt = now
        updatedAt = now
        nextActionAt = nil
    }

    /// Taken up again, due now: nothing left of an end, a create in flight or an uncertain one.
    fileprivate mutating func reopen(as status: GenerationStatus, at now: Date) {
        self.status = status
        submitStartedAt = nil
        submitUncertainSince = nil
        errorCode = nil
        errorMessage = nil
        completedAt = nil
        nextActionAt = now
        updatedAt = now
    }
}
