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

extension AppDatabase {
    /// Submitted generations whose poll is due, most overdue first.
    public func duePolls(now: Date, limit: Int) throws -> [Generation] {
        try writer.read { db in
            try Generation
                .filter(sql: "status IN ('submitted', 'processing') AND next_action_at <= ?", arguments: [now.unix])
                .order(Column("next_action_at"))
                .limit(limit)
                .fetchAll(db)
        }
    }

    /// Applies a poll's result in one transaction; outputs to download are recorded with the status change.
    public func recordPoll(id: String, outcome: PollOutcome, now: Date) throws {
        try writer.write { db in
            guard let generation = try Generation.fetchOne(db, key: ["id": id]),
                  generation.status == .submitted || generation.status == .processing
            else { return }  // a late answer for a generation already settled changes nothing
            switch outcome {
            case .running(let providerStatus, let nextPollAt):
                try db.execute(
                    sql: """
                        UPDATE generations SET status = 'processing', provider_status = ?, next_action_at = ?,
                            poll_attempts = poll_attempts + 1, updated_at = ?
                        WHERE id = ?
                        """,
                    arguments: [providerStatus, nextPollAt.unix, now.unix, id])
                if generation.providerStatus != providerStatus {
                    try Self.appendEvent(db, id, "polled", "provider status \(providerStatus)", at: now)
                }
            case .succeeded(let urls, let cost, let predictTime):
                guard !urls.isEmpty else {
                    try Self.fail(db, id, code: "no_output", message: "the provider reported success without a file",
                                  at: now)
                    return
                }
                try db.execute(
                    sql: """
                        UPDATE generations SET status = 'downloading', provider_status = 'success', cost_usd = ?,
                            predict_time_s = ?, next_action_at = NULL, poll_attempts = poll_attempts + 1,
                            updated_at = ?
                        WHERE id = ?
                        """,
                    arguments: [cost, predictTime, now.unix, id])
                for (position, url) in urls.enumerated() {
                    try db.execute(
                        sql: """
                            INSERT OR IGNORE INTO generation_outputs (generation_id, position, source_url, next_attempt_at)
                            VALUES (?, ?, ?, ?)
                            """,
                        arguments: [id, position, url, now.unix])
                }
                try Self.appendEvent(db, id, "succeeded", "\(urls.count) output file(s) to download", at: now)
            case .failed(let code, let message, let cost):
                try db.execute(sql: "UPDATE generations SET provider_status = 'error', cost_usd = ? WHERE id = ?",
                               arguments: [cost, id])
                try Self.fail(db, id, code: code, message: message, at: now)
            case .cancelled:
                try db.execute(
                    sql: """
                        UPDATE generations SET status = 'cancelled', provider_status = 'cancelled',
                            error_code = 'cancelled', error_message = 'the prediction was cancelled at the provider',
                            completed_at = ?, updated_at = ?, next_action_at = NULL
                        WHERE id = ?
                        """,
                    arguments: [now.unix, now.unix, id])
                try Self.appendEvent(db, id, "cancelled", "cancelled at the provider", at: now)
            }
        }
    }

    /// A poll could not be made (rate limit, provider or network error): try again at `retryAt`.
    public func reschedulePoll(id: String, retryAt: Date, reason: String, now: Date) throws {
        try writer.write { db in
            try db.execute(
                sql: """
                    UPDATE generations SET next_action_at = ?, poll_attempts = poll_attempts + 1, updated_at = ?
                    WHERE id = ? AND status IN ('submitted', 'processing')
                    """,
                arguments: [retryAt.unix, now.unix, id])
            try Self.appendEvent(db, id, "poll_failed", reason, at: now)
        }
    }
}
