import Archive
import Foundation
import GRDB

/// A queue of due rows that several instances work on: each due row is claimed by one instance at a time, with a
/// lease that expires if the instance dies.
struct ClaimQueue: Sendable {
    /// The lease's queue name (`work_leases.queue`).
    var name: String
    var table: String
    /// The row's identity as text (the lease's `item`).
    var key: String
    /// When a row falls due (a column of `table`).
    var dueColumn: String
    /// Which rows wait in this queue.
    var condition: String
    /// How long a claim lasts unless the work is recorded first.
    var lease: TimeInterval
}

extension PostgresArchive {
    /// Claims up to `limit` rows of `queue` due at `now` for `owner`, oldest first: rows another instance is
    /// reading for a claim at the same moment are skipped (`FOR UPDATE SKIP LOCKED`), rows under a live lease are
    /// passed over, and an expired lease is taken over. Each claimed row is returned to exactly one claimer.
    func claim(_ queue: ClaimQueue, now: Date, limit: Int, owner: String) async throws -> [Row] {
        try await sql.rows(
            """
            WITH due AS (
                SELECT \(queue.key) AS item, f.\(queue.dueColumn) AS due FROM \(queue.table) f
                WHERE (\(queue.condition)) AND f.\(queue.dueColumn) <= ?
                AND NOT EXISTS (
                    SELECT 1 FROM work_leases l WHERE l.queue = ? AND l.item = \(queue.key) AND l.expires_at > ?)
                ORDER BY f.\(queue.dueColumn) LIMIT ?
                FOR UPDATE OF f SKIP LOCKED),
            claimed AS (
                INSERT INTO work_leases (queue, item, owner, expires_at) SELECT ?, item, ?, ? FROM due
                ON CONFLICT (queue, item) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
                WHERE work_leases.expires_at <= ?
                RETURNING item)
            SELECT f.* FROM \(queue.table) f JOIN claimed c ON c.item = \(queue.key) ORDER BY f.\(queue.dueColumn)
            """,
            [
                now.unix, queue.name, now.unix, limit, queue.name, owner, now.addingTimeInterval(queue.lease).unix,
                now.unix,
            ])
    }

    /// Ends `owner`'s lease on `item` (its work is recorded); a lease another instance took over stays.
    func release(_ queue: ClaimQueue, item: String, owner: String) async throws {
        try await sql.execute(
            "DELETE FROM work_leases WHERE queue = ? AND item = ? AND owner = ?", [queue.name, item, owner])
    }

    /// The items of `queue` under a live lease, and whose.
    func leases(_ queue: ClaimQueue, now: Date) async throws -> [String: String] {
        var leases: [String: String] = [:]
        for row in try await sql.rows(
            "SELECT item, owner FROM work_leases WHERE queue = ? AND expires_at > ?", [queue.name, now.unix])
        {
            leases[row["item"]] = row["owner"]
        }
        return leases
    }
}

extension ClaimQueue {
    /// Pending generations waiting for a create (not one in flight): the create is the call that costs money.
    static let submissions = ClaimQueue(
        name: "submissions", table: "generations", key: "f.id", dueColumn: "next_action_at",
        condition: "f.status = 'pending' AND f.submit_started_at IS NULL", lease: 120)
    /// Generations running at the provider, or owing a confirming read.
    static let polls = ClaimQueue(
        name: "polls", table: "generations", key: "f.id", dueColumn: "next_action_at",
        condition: "f.status IN ('submitted', 'processing') OR f.confirm_pending = 1", lease: 60)
    /// Creates whose answer was lost, looked for in webhooks and the webhook log.
    static let reconciliations = ClaimQueue(
        name: "reconciliations", table: "generations", key: "f.id", dueColumn: "next_action_at",
        condition: "f.status = 'pending' AND f.submit_uncertain_since IS NOT NULL", lease: 60)
}
