import Foundation
import Storage

/// A table of work that workers pick from: the rows a `condition` holds for (spelled exactly as the condition of the
/// queue's partial index on `(team_id, dueColumn)`, migration 0009, so SQLite can use it), due when `dueColumn` has
/// passed. Rows are read as `f`, joined with `join` where the condition needs more than the row.
///
/// Both queries read each team's first rows through that index, so they cost a few rows per team, never the whole
/// backlog; `WorkQueueTests` checks every queue's plan uses its index.
struct WorkQueue: Sendable {
    var table: String
    var join: SQLText
    var dueColumn: String
    var condition: SQLText

    init(_ rule: QueueRule) {
        table = rule.table
        join = SQLText(raw: rule.join)
        dueColumn = rule.dueColumn
        condition = SQLText(raw: rule.condition)
    }

    /// Rows due at `now`, at most `limit`, teams taking turns: each team's most overdue row comes before any team's
    /// second, so one team's backlog cannot hold a worker (or the provider's rate gate) for everyone. The extra `turn`
    /// column is ignored by the records.
    func due(now: Date, limit: Int) -> SQLText {
        """
        SELECT * FROM (
            SELECT f.*, row_number() OVER (PARTITION BY f.team_id ORDER BY f.\(raw: dueColumn)) AS turn
            FROM \(Self.teams) t JOIN \(raw: table) f ON f.rowid IN (
                SELECT f.rowid FROM \(raw: table) f \(join)
                WHERE f.team_id IS t.id AND (\(condition)) AND f.\(raw: dueColumn) <= \(now.unix)
                ORDER BY f.\(raw: dueColumn) LIMIT \(limit)))
        ORDER BY turn, \(raw: dueColumn) LIMIT \(limit)
        """
    }

    /// When the next row falls due (the earliest of each team's first), or NULL when none waits.
    var nextDue: SQLText {
        """
        SELECT min(next) FROM (
            SELECT (
                SELECT f.\(raw: dueColumn) FROM \(raw: table) f \(join)
                WHERE f.team_id IS t.id AND (\(condition)) AND f.\(raw: dueColumn) IS NOT NULL
                ORDER BY f.\(raw: dueColumn) LIMIT 1) AS next
            FROM \(Self.teams) t)
        """
    }

    /// How many rows are due at `now`, and the earliest due time among them: each team's due rows counted through
    /// the queue's index (a cost in due rows, not in the backlog).
    func depth(now: Date) -> SQLText {
        """
        SELECT coalesce(sum(due), 0), min(oldest) FROM (
            SELECT count(*) AS due, min(f.\(raw: dueColumn)) AS oldest FROM \(Self.teams) t
            JOIN \(raw: table) f ON f.rowid IN (
                SELECT f.rowid FROM \(raw: table) f \(join)
                WHERE f.team_id IS t.id AND (\(condition)) AND f.\(raw: dueColumn) <= \(now.unix))
            GROUP BY t.id)
        """
    }

    /// Every team, and NULL for generations made before teams existed.
    private static let teams: SQLText = "(SELECT id FROM teams UNION ALL SELECT NULL)"
}

/// The generations one worker looks after.
enum GenerationQueue: String, CaseIterable {
    /// Pending generations waiting for a create (not one in flight).
    case submissions
    /// Generations running at the provider, or owing a confirming read.
    case polls
    /// Creates whose answer was lost, looked for in webhooks and the webhook log.
    case reconciliations

    var queue: WorkQueue {
        switch self {
        case .submissions: WorkQueue(.submissions)
        case .polls: WorkQueue(.polls)
        case .reconciliations: WorkQueue(.reconciliations)
        }
    }

    /// Due generations, at most `limit`, teams taking turns.
    func due(_ db: any SQLSession, now: Date, limit: Int) throws -> [Generation] {
        try db.fetchAll(Generation.self, queue.due(now: now, limit: limit))
    }

    /// When the next generation of this queue falls due, or nil when none is scheduled.
    func nextDue(_ db: any SQLSession) throws -> Date? {
        try db.value(Date.self, queue.nextDue)
    }
}

extension PendingFile.Kind {
    /// The queue of files of this kind (`QueueRule.downloads`, `.inputDownloads`).
    var queue: WorkQueue {
        switch self {
        case .output: WorkQueue(.downloads)
        case .input: WorkQueue(.inputDownloads)
        }
    }
}
