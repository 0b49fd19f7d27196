import Foundation
import GRDB

/// The generations one worker looks after, each as a single predicate that its "due now" and "next due" queries
/// share (so the two can never disagree), with statuses spelled from `GenerationStatus`.
enum GenerationQueue {
    /// Pending generations waiting for a create (not one in flight).
    case submissions
    /// Generations running at the provider, or owing a confirming read.
    case polls
    /// Creates whose answer was lost, looked for in webhooks and the webhook log.
    case reconciliations

    var predicate: String {
        switch self {
        case .submissions: "status = \(GenerationStatus.pending.sqlLiteral) AND submit_started_at IS NULL"
        case .polls:
            "(status IN (\(GenerationStatus.submitted.sqlLiteral), \(GenerationStatus.processing.sqlLiteral))"
                + " OR confirm_pending = 1)"
        case .reconciliations: "status = \(GenerationStatus.pending.sqlLiteral) AND submit_uncertain_since IS NOT NULL"
        }
    }

    /// Due generations, at most `limit`, teams taking turns: each team's most overdue generation comes before any
    /// team's second, so one team's backlog of creates or polls cannot hold the provider's rate gate for everyone.
    func due(_ db: Database, now: Date, limit: Int) throws -> [Generation] {
        try Generation.fetchAll(
            db,
            sql: """
                SELECT * FROM generations WHERE rowid IN (
                    SELECT rowid FROM (
                        SELECT rowid, next_action_at,
                            row_number() OVER (PARTITION BY team_id ORDER BY next_action_at) AS turn
                        FROM generations WHERE \(predicate) AND next_action_at <= ?)
                    ORDER BY turn, next_action_at LIMIT ?)
                ORDER BY next_action_at
                """,
            arguments: [now.unix, limit])
    }

    /// When the next generation of this queue falls due, or nil when none is scheduled.
    func nextDue(_ db: Database) throws -> Date? {
        try Date.fetchOne(db, sql: "SELECT min(next_action_at) FROM generations WHERE \(predicate)")
    }
}

extension GenerationStatus {
    /// The status as an SQL string literal (its raw values are fixed identifiers: no quoting issue can arise).
    var sqlLiteral: String { "'\(rawValue)'" }
}
