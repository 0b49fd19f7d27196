import Foundation
import Storage

/// A work queue (`QueueRule`) as SQLite reads it: each team's first due rows, through the queue's partial index on
/// `(team_id, dueColumn)` where it has one (migrations 0009 and 0020 spell the rule's condition term for term), so a
/// pick costs a few rows per team, never the whole backlog; `WorkQueueTests` checks the plans.
struct WorkQueue: Sendable {
    var rule: QueueRule

    init(_ rule: QueueRule) { self.rule = rule }

    private var table: SQLText { SQLText(raw: rule.table) }
    private var join: SQLText { SQLText(raw: rule.join) }
    private var due: SQLText { SQLText(raw: "f.\(rule.dueColumn)") }
    private var condition: SQLText { SQLText(raw: rule.condition) }
    private var team: SQLText { SQLText(raw: rule.team) }
    private var order: SQLText { SQLText(raw: rule.order) }

    /// Each team's rows of the queue that hold `extra`, read through the index: the subquery of every read below.
    private func teamRows(_ extra: SQLText) -> SQLText {
        "SELECT f.rowid FROM \(table) f \(join) WHERE \(team) IS t.id AND (\(condition)) AND \(extra)"
    }

    /// Rows due at `now`, at most `limit`, teams taking turns: each team's most overdue row comes before any team's
    /// second. The extra `queue_due` and `turn` columns are ignored by the records.
    func due(now: Date, limit: Int) -> SQLText {
        """
        SELECT * FROM (
            SELECT \(raw: rule.columns), \(due) AS queue_due, row_number() OVER (PARTITION BY t.id ORDER BY \(order)) AS turn
            FROM \(Self.teams) t JOIN \(table) f ON f.rowid IN (
                \(teamRows("\(due) <= \(now.unix)")) ORDER BY \(order) LIMIT \(limit)) \(join))
        ORDER BY turn, queue_due LIMIT \(limit)
        """
    }

    /// When the next row falls due (the earliest of each team's first), or NULL when none waits.
    var nextDue: SQLText {
        """
        SELECT min(next) FROM (
            SELECT (
                SELECT \(due) FROM \(table) f \(join) WHERE \(team) IS t.id AND (\(condition)) AND \(due) IS NOT NULL
                ORDER BY \(due) LIMIT 1) AS next
            FROM \(Self.teams) t)
        """
    }

    /// How many rows are due at `now`, and the earliest due time among them: each team's due rows counted through
    /// the queue's index (a cost in due rows, not in the backlog).
    func depth(now: Date) -> SQLText {
        """
        SELECT coalesce(sum(due), 0), min(oldest) FROM (
            SELECT count(*) AS due, min(\(due)) AS oldest FROM \(Self.teams) t
            JOIN \(table) f ON f.rowid IN (\(teamRows("\(due) <= \(now.unix)")))
            GROUP BY t.id)
        """
    }

    /// Every team, and NULL for rows made before teams existed.
    private static let teams: SQLText = "(SELECT id FROM teams UNION ALL SELECT NULL)"
}

extension QueueRule {
    /// The rule as SQLite reads it.
    var sqlite: WorkQueue { WorkQueue(self) }
}
