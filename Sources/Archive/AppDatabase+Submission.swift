import Foundation
import GRDB

extension SQLArchive {
    /// Records the intent to send a create for `id` (before the call), so a crash mid-call is detectable.
    /// Returns false when the generation is not (or no longer) waiting to be submitted.
    public func beginSubmission(id: String, now: Date) async throws -> Bool {
        // The mark must survive a power loss, not only a crash: a lost mark would send a second, billed create after
        // the restart.
        try await writing(durably: true) { db in
            try db.execute(
                """
                UPDATE generations SET submit_started_at = ?, submit_attempts = submit_attempts + 1,
                    updated_at = ?, next_action_at = NULL
                WHERE id = ? AND status = 'pending' AND submit_started_at IS NULL
                """, [now.unix, now.unix, id])
            return db.changedRows == 1
        }
    }

    /// The provider accepted the create: remember the prediction id and schedule the first poll.
    public func recordSubmitted(id: String, predictionID: String, now: Date, firstPollAt: Date) async throws {
        try await writing { db in
            try db.execute(
                """
                UPDATE generations SET status = 'submitted', prediction_id = ?, submitted_at = ?,
                    submit_started_at = NULL, updated_at = ?, next_action_at = ?
                WHERE id = ? AND status = 'pending'
                """, [predictionID, now.unix, now.unix, firstPollAt.unix, id])
            try db.appendEvent(id, "submitted", "prediction \(predictionID)", at: now)
        }
    }

    public func resendUncertainCreate(id: String, teamID: String, reason: String, now: Date) async throws -> Bool {
        try await writing(durably: true) { db in
            try db.lock(generation: id)
            try db.execute(
                """
                UPDATE generations SET status = 'pending', submit_started_at = NULL, submit_uncertain_since = NULL,
                    error_code = NULL, error_message = NULL, completed_at = NULL, next_action_at = ?, updated_at = ?
                WHERE id = ? AND team_id = ? AND prediction_id IS NULL
                    AND ((status = 'pending' AND submit_uncertain_since IS NOT NULL)
                        OR (status = 'failed' AND error_code = 'submit_uncertain'))
                """, [now.unix, now.unix, id, teamID])
            guard db.changedRows == 1 else { return false }
            try db.appendEvent(id, "create_resent", reason, at: now)
            return true
        }
    }

    /// The create certainly did not start a prediction (a definite 429 or 5xx answer): try again at `retryAt`.
    public func deferSubmission(id: String, retryAt: Date, reason: String, now: Date) async throws {
        try await writing { db in
            try db.execute(
                """
                UPDATE generations SET submit_started_at = NULL, next_action_at = ?, updated_at = ?
                WHERE id = ? AND status = 'pending'
                """, [retryAt.unix, now.unix, id])
            try db.appendEvent(id, "submit_deferred", reason, at: now)
        }
    }

}

extension AppDatabase {
    /// Pending generations whose (re)submission is due, teams taking turns.
    public func dueSubmissions(now: Date, limit: Int) async throws -> [Generation] {
        try await read { db in try GenerationQueue.submissions.due(db, now: now, limit: limit) }
    }

    /// Pending generations whose create call was under way when the service last stopped.
    public func interruptedSubmissions(processStart: Date, now: Date) async throws -> [Generation] {
        try await read { db in
            try Generation
                .filter(
                    sql: """
                        status = 'pending' AND submit_started_at IS NOT NULL AND submit_uncertain_since IS NULL
                        AND submit_started_at < ?
                        """, arguments: [processStart.timeIntervalSince1970]
                )
                .fetchAll(db)
        }
    }

    /// When the next (re)submission is due, or nil when none is waiting.
    public func nextSubmissionTime() async throws -> Date? {
        try await read { db in try GenerationQueue.submissions.nextDue(db) }
    }
}
