import Foundation
import GRDB
import Storage

/// SQLite's reads of the work queues (`QueueRule`, read through `WorkQueue`): each team's first due rows, teams
/// taking turns; PostgreSQL claims the same rows under leases instead (`ClaimQueue`).
extension AppDatabase {
    /// Rows of `rule` due at `now`, at most `limit`, teams taking turns.
    private func due<T: Sendable>(
        _ rule: QueueRule, now: Date, limit: Int, _ record: @escaping @Sendable (SQLRow) throws -> T
    ) async throws
        -> [T]
    {
        try await read { db in try db.rows(rule.sqlite.due(now: now, limit: limit)).map(record) }
    }

    /// When the next row of `rule` falls due, or nil when none waits.
    private func nextDue(_ rule: QueueRule) async throws -> Date? {
        try await read { db in try db.value(Date.self, rule.sqlite.nextDue) }
    }

    public func dueSubmissions(now: Date, limit: Int) async throws -> [Generation] {
        try await due(.submissions, now: now, limit: limit, Generation.init(row:))
    }

    /// Pending generations whose create call was under way when the service last stopped.
    public func interruptedSubmissions(processStart: Date, now: Date) async throws -> [Generation] {
        try await read { db in
            try db.fetchAll(
                Generation.self,
                """
                SELECT * FROM generations
                WHERE status = 'pending' AND submit_started_at IS NOT NULL AND submit_uncertain_since IS NULL
                AND submit_started_at < \(processStart)
                """)
        }
    }

    public func nextSubmissionTime() async throws -> Date? { try await nextDue(.submissions) }

    public func duePolls(now: Date, limit: Int) async throws -> [Generation] {
        try await due(.polls, now: now, limit: limit, Generation.init(row:))
    }

    public func nextPollTime() async throws -> Date? { try await nextDue(.polls) }

    public func dueReconciliations(now: Date, limit: Int) async throws -> [Generation] {
        try await due(.reconciliations, now: now, limit: limit, Generation.init(row:))
    }

    public func nextReconciliationTime() async throws -> Date? { try await nextDue(.reconciliations) }

    public func dueExtraPredictions(now: Date, limit: Int) async throws -> [ExtraPrediction] {
        try await due(.extraPredictions, now: now, limit: limit, ExtraPrediction.init(row:))
    }

    public func nextExtraPredictionCheck() async throws -> Date? { try await nextDue(.extraPredictions) }

    public func dueFiles(_ kind: PendingFile.Kind, now: Date, limit: Int) async throws -> [PendingFile] {
        try await due(kind.queue, now: now, limit: limit) { row in try PendingFile(kind, row: row) }
    }

    public func nextFileTime(_ kind: PendingFile.Kind) async throws -> Date? { try await nextDue(kind.queue) }

    public func dueDerivedFiles(now: Date, limit: Int) async throws -> [DerivedWork] {
        try await due(.posters, now: now, limit: limit, DerivedWork.init(row:))
    }

    public func nextDerivedFileTime() async throws -> Date? { try await nextDue(.posters) }

    public func dueMessages(now: Date, limit: Int) async throws -> [OutgoingMessage] {
        try await due(.messages, now: now, limit: limit, OutgoingMessage.init(row:))
    }

    public func nextMessageTime() async throws -> Date? { try await nextDue(.messages) }

    /// Every worker's queue, for `/readyz` and `/metrics`.
    public func queueDepths(now: Date) async throws -> [QueueDepth] {
        try await read { db in
            try QueueRule.all.map { rule in
                let row = try db.row(rule.sqlite.depth(now: now))
                let oldest: Double? = try row?[1]
                return QueueDepth(name: rule.name, due: try row?[0] ?? 0, oldestDueSeconds: oldest.map { max(0, now.unix - $0) } ?? 0)
            }
        }
    }
}
