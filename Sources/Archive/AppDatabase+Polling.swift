import Foundation
import GRDB

/// What one poll of a prediction found.
public enum PollOutcome: Sendable {
    /// Still running at the provider; look again at `nextPollAt`.
    case running(providerStatus: String, nextPollAt: Date)
    /// Done: these files are to be downloaded.
    case succeeded(outputURLs: [String], costUSD: Double?, predictTime: Double?)
    case failed(code: String, message: String, costUSD: Double?)
    case cancelled
}

extension SQLArchive {
    /// Applies a poll's result in one transaction; outputs to download are recorded with the status change.
    /// For a generation already past polling it only settles a pending confirmation (the cost a webhook lacks).
    public func recordPoll(id: String, outcome: PollOutcome, now: Date) async throws {
        try await writing { db in
            try db.lock(generation: id)
            guard let generation = try db.generation(id: id) else { return }
            if generation.status == .submitted || generation.status == .processing {
                try Self.apply(db, generation, outcome, source: "polled", at: now)
            } else if generation.confirmPending {
                try Self.settleConfirmation(db, generation, outcome, at: now)
            }
            // Otherwise a late answer for a settled generation: it changes nothing.
        }
    }

    /// Moves a submitted generation on by what the provider says (from a poll or a webhook).
    static func apply(_ db: any SQLSession, _ generation: Generation, _ outcome: PollOutcome, source: String, at now: Date)
        throws
    {
        let id = generation.id
        switch outcome {
        case .running(let providerStatus, let nextPollAt):
            try db.execute(
                """
                UPDATE generations SET status = 'processing', provider_status = ?, next_action_at = ?,
                    poll_attempts = poll_attempts + 1, updated_at = ?
                WHERE id = ?
                """, [providerStatus, nextPollAt.unix, now.unix, id])
            if generation.providerStatus != providerStatus {
                try db.appendEvent(id, source, "provider status \(providerStatus)", at: now)
            }
        case .succeeded(let urls, let cost, let predictTime):
            guard !urls.isEmpty else {
                try db.fail(id, code: "no_output", message: "the provider reported success without a file", at: now)
                return
            }
            // A webhook carries no cost: one confirming read settles it later (`confirm_pending`).
            let fromWebhook = source == "webhook"
            try db.execute(
                """
                UPDATE generations SET status = 'downloading', provider_status = 'success', cost_usd = ?,
                    predict_time_s = ?, confirm_pending = ?, next_action_at = ?, updated_at = ?,
                    poll_attempts = poll_attempts + ?
                WHERE id = ?
                """,
                [
                    cost, predictTime, fromWebhook, fromWebhook ? now.unix : nil, now.unix,
                    fromWebhook ? 0 : 1, id,
                ])
            for (position, url) in urls.enumerated() {
                try db.execute(
                    """
                    INSERT INTO generation_outputs
                        (generation_id, team_id, position, source_url, next_attempt_at)
                    VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                    """, [id, generation.teamID, position, url, now.unix])
            }
            try db.appendEvent(id, "succeeded", "\(source): \(urls.count) output file(s) to download", at: now)
        case .failed(let code, let message, let cost):
            try db.execute("UPDATE generations SET provider_status = 'error', cost_usd = ? WHERE id = ?", [cost, id])
            try db.fail(id, code: code, message: message, at: now)
        case .cancelled:
            try db.execute(
                """
                UPDATE generations SET status = 'cancelled', provider_status = 'cancelled',
                    error_code = 'cancelled', error_message = 'the prediction was cancelled at the provider',
                    completed_at = ?, updated_at = ?, next_action_at = NULL
                WHERE id = ?
                """, [now.unix, now.unix, id])
            try db.appendEvent(id, "cancelled", "cancelled at the provider (\(source))", at: now)
            try db.announce(.generationCancelled, generationID: id, data: ["status": "cancelled"], at: now)
        }
    }

    private static func settleConfirmation(
        _ db: any SQLSession, _ generation: Generation, _ outcome: PollOutcome,
        at now: Date
    ) throws {
        guard case .succeeded(_, let cost, let predictTime) = outcome else {
            // Still running or disagreeing: look again later, keep what the signed webhook said.
            try db.execute("UPDATE generations SET next_action_at = ? WHERE id = ?", [now.addingTimeInterval(30).unix, generation.id])
            return
        }
        try db.execute(
            """
            UPDATE generations SET cost_usd = ?, predict_time_s = ?, confirm_pending = 0,
                next_action_at = NULL, poll_attempts = poll_attempts + 1, updated_at = ?
            WHERE id = ?
            """, [cost, predictTime, now.unix, generation.id])
        try db.appendEvent(generation.id, "confirmed", "cost \(cost.map { String($0) } ?? "unknown")", at: now)
    }

    /// A poll could not be made (rate limit, provider or network error): try again at `retryAt`.
    public func reschedulePoll(id: String, retryAt: Date, reason: String, now: Date) async throws {
        try await writing { db in
            try db.execute(
                """
                UPDATE generations SET next_action_at = ?, poll_attempts = poll_attempts + 1, updated_at = ?
                WHERE id = ? AND (status IN ('submitted', 'processing') OR confirm_pending = 1)
                """, [retryAt.unix, now.unix, id])
            try db.appendEvent(id, "poll_failed", reason, at: now)
        }
    }
}

extension SQLArchive {
    /// A model's 21 latest run times (through the `generations_run_times` index).
    static var recentRunTimes: String {
        """
        SELECT predict_time_s FROM generations WHERE model = ? AND predict_time_s IS NOT NULL
        ORDER BY seq DESC LIMIT 21
        """
    }

    /// Median run time of this model's recent predictions, to know when a missing webhook is overdue.
    public func typicalRunTime(model: String) async throws -> TimeInterval? {
        try await reading { db in
            let times = try db.values(Double.self, Self.recentRunTimes, [model])
            return times.isEmpty ? nil : times.sorted()[times.count / 2]
        }
    }
}

extension AppDatabase {
    /// Submitted generations whose poll is due, teams taking turns.
    public func duePolls(now: Date, limit: Int) async throws -> [Generation] {
        try await read { db in try GenerationQueue.polls.due(db, now: now, limit: limit) }
    }

    /// When the next poll (or owed confirmation) is due, or nil when none is scheduled.
    public func nextPollTime() async throws -> Date? {
        try await read { db in try GenerationQueue.polls.nextDue(db) }
    }
}
