import Foundation
import Storage

/// A work queue (`QueueRule`) that several instances work on: each due row is claimed by one instance at a time, with
/// a lease that expires if the instance dies.
struct ClaimQueue: Sendable {
    var rule: QueueRule
    /// How long a claim lasts unless the work is recorded first.
    var lease: TimeInterval
    /// What must also hold for a row to be claimed at a time by an owner, beyond the queue's rule (no other
    /// instance's lease on a related row).
    var alsoRequires: (@Sendable (_ now: Date, _ owner: String) -> SQLText)?

    var name: String { rule.name }
    var due: String { "f.\(rule.dueColumn)" }
}

extension PostgresArchive {
    /// Claims up to `limit` rows of `queue` due at `now` for this instance, oldest first: rows another instance is
    /// claiming at the same moment are skipped (`FOR UPDATE SKIP LOCKED`), rows under another instance's live lease
    /// are passed over, and a lease that expired (or whose work was recorded: the row's due time moved) is taken
    /// over. A row is never returned to two instances; this instance's own leased rows come back to it (a worker
    /// that had no room for one takes it at its next look, not when the lease expires).
    func claim(_ queue: ClaimQueue, now: Date, limit: Int, owner: String? = nil) async throws -> [SQLRow] {
        let (rule, owner) = (queue.rule, owner ?? instanceID)
        // Each team's first due rows, locked, with the rows of no team (from before teams) as one more team.
        func teamRows(_ team: String) -> SQLText {
            """
            SELECT \(raw: rule.key) AS item, \(raw: queue.due) AS due_at, \(raw: rule.team) AS team, \(raw: rule.tieBreak ?? "NULL::text") AS tie
            FROM \(raw: rule.table) f \(raw: rule.join)
            WHERE \(raw: team) AND (\(raw: rule.condition)) AND \(raw: queue.due) <= \(now.unix) AND \(queue.alsoRequires?(now, owner) ?? "TRUE")
            AND NOT EXISTS (
                SELECT 1 FROM work_leases l WHERE l.queue = \(queue.name) AND l.item = \(raw: rule.key)
                AND l.expires_at > \(now.unix) AND l.due_at = \(raw: queue.due) AND l.owner <> \(owner))
            ORDER BY \(raw: rule.order) LIMIT \(limit)
            FOR UPDATE OF f SKIP LOCKED
            """
        }
        return try await sql.rows(
            """
            WITH due AS (
                SELECT item, due_at FROM (
                    SELECT d.*, row_number() OVER (PARTITION BY d.team ORDER BY d.due_at, d.tie) AS turn FROM (
                        SELECT d.* FROM teams t CROSS JOIN LATERAL (\(teamRows("\(rule.team) = t.id"))) d
                        UNION ALL SELECT * FROM (\(teamRows("\(rule.team) IS NULL"))) n) d) ranked
                ORDER BY turn, due_at LIMIT \(limit)),
            claimed AS (
                INSERT INTO work_leases (queue, item, owner, expires_at, due_at)
                SELECT \(queue.name), item, \(owner), \(now.addingTimeInterval(queue.lease)), due_at FROM due
                ON CONFLICT (queue, item) DO UPDATE
                SET owner = excluded.owner, expires_at = excluded.expires_at, due_at = excluded.due_at
                WHERE work_leases.expires_at <= \(now.unix) OR work_leases.due_at <> excluded.due_at
                    OR work_leases.owner = excluded.owner
                RETURNING item)
            SELECT \(raw: rule.columns) FROM \(raw: rule.table) f \(raw: rule.join) JOIN claimed c ON c.item = \(raw: rule.key)
            ORDER BY \(raw: queue.due)
            """)
    }

    /// When the next row of `queue` falls due, leases aside.
    func nextDue(_ queue: ClaimQueue) async throws -> Date? {
        try await sql.value(
            Date.self,
            "SELECT min(\(raw: queue.due)) FROM \(raw: queue.rule.table) f \(raw: queue.rule.join) WHERE \(raw: queue.rule.condition)")
    }

    /// Rows of `queue` due at `now` and the earliest due time among them.
    func depth(_ queue: ClaimQueue, now: Date) async throws -> (due: Int, oldest: Double?) {
        let row = try await sql.row(
            """
            SELECT count(*) AS due, min(\(raw: queue.due)) AS oldest FROM \(raw: queue.rule.table) f \(raw: queue.rule.join)
            WHERE (\(raw: queue.rule.condition)) AND \(raw: queue.due) <= \(now.unix)
            """)
        return try (row?["due"] ?? 0, row?["oldest"])
    }

    /// The items of `queue` under a live lease, and whose.
    func leases(_ queue: ClaimQueue, now: Date) async throws -> [String: String] {
        var leases: [String: String] = [:]
        for row in try await sql.rows(
            "SELECT item, owner FROM work_leases WHERE queue = \(queue.name) AND expires_at > \(now.unix)")
        {
            leases[try row["item"]] = try row["owner"] as String
        }
        return leases
    }
}

extension ClaimQueue {
    static let submissions = ClaimQueue(rule: .submissions, lease: 120)
    static let polls = ClaimQueue(rule: .polls, lease: 60)
    static let reconciliations = ClaimQueue(rule: .reconciliations, lease: 60)
    static let downloads = ClaimQueue(rule: .downloads, lease: 600)
    static let inputDownloads = ClaimQueue(rule: .inputDownloads, lease: 600)
    static let posters = ClaimQueue(rule: .posters, lease: 300)
    static let extraPredictions = ClaimQueue(rule: .extraPredictions, lease: 60)
    /// One delivery in flight per endpoint across instances: no message is claimed while another instance holds a
    /// live lease on a message of the same endpoint.
    static let messages = ClaimQueue(
        rule: .messages, lease: 120,
        alsoRequires: { now, owner in
            """
            NOT EXISTS (
                SELECT 1 FROM webhook_messages sibling JOIN work_leases l
                    ON l.queue = \(QueueRule.messages.name) AND l.item = CAST(sibling.id AS TEXT)
                WHERE sibling.endpoint_id = f.endpoint_id AND sibling.id <> f.id AND l.owner <> \(owner)
                AND l.due_at = sibling.next_attempt_at AND l.expires_at > \(now.unix))
            """
        })

    static func files(_ kind: PendingFile.Kind) -> ClaimQueue { kind == .output ? .downloads : .inputDownloads }
}
