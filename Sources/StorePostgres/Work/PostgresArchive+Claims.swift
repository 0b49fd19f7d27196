import Foundation
import Storage

/// A queue of due rows that several instances work on: each due row is claimed by one instance at a time, with a
/// lease that expires if the instance dies.
struct ClaimQueue: Sendable {
    /// The lease's queue name (`work_leases.queue`).
    var name: String
    /// The rows (`f`) and what their condition needs joined.
    var table: String
    var join: String
    /// The row's identity as text (the lease's `item`).
    var key: String
    /// When a row falls due (a column of `f`).
    var dueColumn: String
    /// Which rows wait in this queue.
    var condition: String
    /// What a claim returns of each row.
    var columns: String
    /// How long a claim lasts unless the work is recorded first.
    var lease: TimeInterval

    /// A queue whose rows and due times both databases share (`QueueRule`).
    init(_ rule: QueueRule, key: String = "f.id", columns: String = "f.*", lease: TimeInterval) {
        (name, table, join, condition) = (rule.name, rule.table, rule.join, rule.condition)
        dueColumn = "f.\(rule.dueColumn)"
        (self.key, self.columns, self.lease) = (key, columns, lease)
    }

    init(
        name: String, table: String, join: String = "", key: String, dueColumn: String, condition: String,
        columns: String, lease: TimeInterval
    ) {
        (self.name, self.table, self.join, self.key) = (name, table, join, key)
        (self.dueColumn, self.condition, self.columns, self.lease) = (dueColumn, condition, columns, lease)
    }
}

extension PostgresArchive {
    /// Claims up to `limit` rows of `queue` due at `now` for this instance, oldest first: rows another instance is
    /// claiming at the same moment are skipped (`FOR UPDATE SKIP LOCKED`), rows under another instance's live lease
    /// are passed over, and a lease that expired (or whose work was recorded: the row's due time moved) is taken
    /// over. A row is never returned to two instances; this instance's own leased rows come back to it (a worker
    /// that had no room for one takes it at its next look, not when the lease expires).
    func claim(_ queue: ClaimQueue, now: Date, limit: Int, owner: String? = nil) async throws -> [SQLRow] {
        try await sql.rows(
            """
            WITH due AS (
                SELECT \(raw: queue.key) AS item, \(raw: queue.dueColumn) AS due_at FROM \(raw: queue.table) f \(raw: queue.join)
                WHERE (\(raw: queue.condition)) AND \(raw: queue.dueColumn) <= \(now.unix)
                AND NOT EXISTS (
                    SELECT 1 FROM work_leases l WHERE l.queue = \(queue.name) AND l.item = \(raw: queue.key)
                    AND l.expires_at > \(now.unix) AND l.due_at = \(raw: queue.dueColumn) AND l.owner <> \(owner ?? instanceID))
                ORDER BY \(raw: queue.dueColumn) LIMIT \(limit)
                FOR UPDATE OF f SKIP LOCKED),
            claimed AS (
                INSERT INTO work_leases (queue, item, owner, expires_at, due_at)
                SELECT \(queue.name), item, \(owner ?? instanceID), \(now.addingTimeInterval(queue.lease)), due_at FROM due
                ON CONFLICT (queue, item) DO UPDATE
                SET owner = excluded.owner, expires_at = excluded.expires_at, due_at = excluded.due_at
                WHERE work_leases.expires_at <= \(now.unix) OR work_leases.due_at <> excluded.due_at
                    OR work_leases.owner = excluded.owner
                RETURNING item)
            SELECT \(raw: queue.columns) FROM \(raw: queue.table) f \(raw: queue.join) JOIN claimed c ON c.item = \(raw: queue.key)
            ORDER BY \(raw: queue.dueColumn)
            """)
    }

    /// When the next row of `queue` falls due, leases aside.
    func nextDue(_ queue: ClaimQueue) async throws -> Date? {
        try await sql.value(
            Date.self,
            "SELECT min(\(raw: queue.dueColumn)) FROM \(raw: queue.table) f \(raw: queue.join) WHERE \(raw: queue.condition)")
    }

    /// Rows of `queue` due at `now` and the earliest due time among them.
    func depth(_ queue: ClaimQueue, now: Date) async throws -> (due: Int, oldest: Double?) {
        let row = try await sql.row(
            """
            SELECT count(*) AS due, min(\(raw: queue.dueColumn)) AS oldest FROM \(raw: queue.table) f \(raw: queue.join)
            WHERE (\(raw: queue.condition)) AND \(raw: queue.dueColumn) <= \(now.unix)
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
    static let submissions = ClaimQueue(.submissions, lease: 120)
    static let polls = ClaimQueue(.polls, lease: 60)
    static let reconciliations = ClaimQueue(.reconciliations, lease: 60)
    static let downloads = ClaimQueue(.downloads, key: "f.generation_id || ':' || f.position", lease: 600)
    static let inputDownloads = ClaimQueue(
        .inputDownloads, key: "f.generation_id || ':' || f.field || ':' || f.position", lease: 600)
    /// Posters and previews of stored files waiting to be made.
    static let derivedFiles = ClaimQueue(
        name: "posters", table: "derived_files", join: "JOIN assets a ON a.sha256 = f.source_sha256",
        key: "f.source_sha256 || ':' || f.kind", dueColumn: "f.changed_at",
        condition: "f.sha256 IS NULL AND f.error IS NULL", columns: "a.*, f.kind AS derived_kind", lease: 300)
    /// Second predictions a webhook named, awaiting the provider's confirmation.
    static let extraPredictions = ClaimQueue(
        name: "extra_predictions", table: "extra_predictions", join: "JOIN generations g ON g.id = f.generation_id",
        key: "f.prediction_id", dueColumn: "f.next_check_at", condition: "f.state = 'unconfirmed'",
        columns: "f.prediction_id AS extra_prediction_id, g.*", lease: 60)
    /// Outgoing webhook messages, each the oldest undelivered one of its generation for its endpoint.
    static let messages = ClaimQueue(
        name: "messages", table: "webhook_messages", join: "JOIN webhook_endpoints e ON e.id = f.endpoint_id",
        key: "f.id::text", dueColumn: "f.next_attempt_at",
        condition: """
            f.next_attempt_at IS NOT NULL AND e.enabled = 1 AND NOT EXISTS (
                SELECT 1 FROM webhook_messages earlier
                WHERE earlier.endpoint_id = f.endpoint_id AND earlier.generation_id IS NOT DISTINCT FROM f.generation_id
                AND earlier.id < f.id AND earlier.next_attempt_at IS NOT NULL)
            """,
        columns: "f.id, f.message_id, f.endpoint_id, e.url, e.secret, f.payload, f.attempts", lease: 120)
}
