import Foundation

extension SQLArchive {
    /// Records the intent to send a create for `id` (before the call), so a crash mid-call is detectable.
    /// Returns false when the generation is not (or no longer) waiting to be submitted.
    public func beginSubmission(id: String, now: Date) async throws -> Bool {
        // The mark must survive a power loss, not only a crash: a lost mark would send a second, billed create after
        // the restart.
        try await writing(durably: true) { db in
            try db.advance(id, at: now) { GenerationLife.createBegun($0, at: now) }
        }
    }

    /// The provider accepted the create: remember the prediction id and schedule the first poll.
    public func recordSubmitted(id: String, predictionID: String, now: Date, firstPollAt: Date) async throws {
        try await writing { db in
            _ = try db.advance(id, at: now) {
                GenerationLife.submitted(predictionID: predictionID, firstPollAt: firstPollAt, $0, at: now)
            }
        }
    }

    public func resendUncertainCreate(id: String, teamID: String, reason: String, now: Date) async throws -> Bool {
        try await writing(durably: true) { db in
            try db.advance(id, at: now) { $0.teamID == teamID ? GenerationLife.createResent(reason: reason, $0, at: now) : nil }
        }
    }

    /// The create certainly did not start a prediction (a definite 429 or 5xx answer): try again at `retryAt`.
    public func deferSubmission(id: String, retryAt: Date, reason: String, now: Date) async throws {
        try await writing { db in
            _ = try db.advance(id, at: now) { GenerationLife.createDeferred(until: retryAt, reason: reason, $0, at: now) }
        }
    }
}
