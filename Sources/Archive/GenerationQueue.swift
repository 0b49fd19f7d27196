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

    /// Which generations wait in this queue.
    var predicate: SQLExpression {
        let columns = Generation.Columns.self
        return switch self {
        case .submissions: columns.status == GenerationStatus.pending && columns.submitStartedAt == nil
        case .polls: [GenerationStatus.submitted, .processing].contains(columns.status) || columns.confirmPending == true
        case .reconciliations: columns.status == GenerationStatus.pending && columns.submitUncertainSince != nil
        }
    }

    /// Due generations, at most `limit`, teams taking turns.
    func due(_ db: Database, now: Date, limit: Int) throws -> [Generation] {
        try SQLRequest<Generation>(
            literal: takingTurns(
                rows: "generations.*", from: "generations", team: "team_id", dueAt: "next_action_at", order: "next_action_at",
                where: predicate, now: now, limit: limit)
        ).fetchAll(db)
    }

    /// When the next generation of this queue falls due, or nil when none is scheduled.
    func nextDue(_ db: Database) throws -> Date? {
        try Generation.all().waiting(in: self).select(min(Generation.Columns.nextActionAt), as: Date.self).fetchOne(db)
    }
}

extension DerivableRequest<Generation> {
    /// The generations waiting in `queue`, due or not.
    func waiting(in queue: GenerationQueue) -> Self { filter(queue.predicate) }
}

/// The rows of `from` matching `where` whose `dueAt` time has come by `now`, at most `limit`, teams taking turns:
/// each team's most overdue row comes before any team's second, so one team's backlog cannot hold a worker (or the
/// provider's rate gate) for everyone. The extra `turn` column is ignored by the records.
func takingTurns(
    rows: SQL, from: SQL, team: SQL, dueAt: SQL, order: SQL, where predicate: some SQLExpressible, now: Date, limit: Int
) -> SQL {
    """
    SELECT * FROM (
        SELECT \(rows), row_number() OVER (PARTITION BY \(team) ORDER BY \(dueAt)) AS turn
        FROM \(from) WHERE (\(predicate)) AND \(dueAt) <= \(now.unix))
    ORDER BY turn, \(order) LIMIT \(limit)
    """
}
