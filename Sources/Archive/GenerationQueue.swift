import Foundation
import GRDB
import VaultContract

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

    /// Due generations, at most `limit`, teams taking turns.
    func due(_ db: Database, now: Date, limit: Int) throws -> [Generation] {
        try Generation.fetchAll(
            db,
            sql: takingTurns(
                rows: "generations.*", from: "generations", team: "team_id", dueAt: "next_action_at",
                where: predicate),
            arguments: [now.unix, limit])
    }

    /// When the next generation of this queue falls due, or nil when none is scheduled.
    func nextDue(_ db: Database) throws -> Date? {
        try Date.fetchOne(db, sql: "SELECT min(next_action_at) FROM generations WHERE \(predicate)")
    }
}

/// SQL for the rows of `from` matching `where` whose `dueAt` time has come (the first `?`), at most the second `?`,
/// teams taking turns: each team's most overdue row comes before any team's second, so one team's backlog cannot
/// hold a worker (or the provider's rate gate) for everyone. The extra `turn` column is ignored by the records.
func takingTurns(rows: String, from: String, team: String, dueAt: String, where predicate: String) -> String {
    """
    SELECT * FROM (
        SELECT \(rows), row_number() OVER (PARTITION BY \(team) ORDER BY \(dueAt)) AS turn
        FROM \(from) WHERE \(predicate) AND \(dueAt) <= ?)
    ORDER BY turn, \(dueAt.split(separator: ".").last ?? "") LIMIT ?
    """
}

extension GenerationStatus {
    /// The status as an SQL string literal (its raw values are fixed identifiers: no quoting issue can arise).
    var sqlLiteral: String { "'\(rawValue)'" }
}
