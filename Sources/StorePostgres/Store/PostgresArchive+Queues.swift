import Foundation
import Storage

/// The work queues on PostgreSQL: each due row claimed by one instance under a lease (`ClaimQueue`), where SQLite's
/// single instance reads them.
extension PostgresArchive {
    public func dueSubmissions(now: Date, limit: Int) async throws -> [Generation] {
        try await claim(.submissions, now: now, limit: limit).map { try Generation(row: $0) }
    }

    public func nextSubmissionTime() async throws -> Date? { try await nextDue(.submissions) }

    /// Creates cut off mid-call: this instance's from before it (re)started, at once; any instance's once they have
    /// been in flight longer than any create takes (their instance died, and may never come back).
    public func interruptedSubmissions(processStart: Date, now: Date) async throws -> [Generation] {
        try await sql.fetchAll(
            Generation.self,
            """
            SELECT g.* FROM generations g
            LEFT JOIN work_leases l ON l.queue = 'submissions' AND l.item = g.id
            WHERE g.status = 'pending' AND g.submit_started_at IS NOT NULL AND g.submit_uncertain_since IS NULL
            AND (g.submit_started_at < \(now.addingTimeInterval(-Self.longestCreate))
                OR (l.owner = \(instanceID) AND g.submit_started_at < \(processStart)))
            """)
    }

    /// Longer than a create call takes with its timeouts: a create started earlier and not recorded was cut off.
    static let longestCreate: TimeInterval = 300

    public func duePolls(now: Date, limit: Int) async throws -> [Generation] {
        try await claim(.polls, now: now, limit: limit).map { try Generation(row: $0) }
    }

    public func nextPollTime() async throws -> Date? { try await nextDue(.polls) }

    public func dueReconciliations(now: Date, limit: Int) async throws -> [Generation] {
        try await claim(.reconciliations, now: now, limit: limit).map { try Generation(row: $0) }
    }

    public func nextReconciliationTime() async throws -> Date? { try await nextDue(.reconciliations) }

    public func dueFiles(_ kind: PendingFile.Kind, now: Date, limit: Int) async throws -> [PendingFile] {
        try await claim(.files(kind), now: now, limit: limit).map { try PendingFile(kind, row: $0) }
    }

    public func nextFileTime(_ kind: PendingFile.Kind) async throws -> Date? { try await nextDue(.files(kind)) }

    public func dueDerivedFiles(now: Date, limit: Int) async throws -> [DerivedWork] {
        try await claim(.posters, now: now, limit: limit).map(DerivedWork.init(row:))
    }

    public func nextDerivedFileTime() async throws -> Date? { try await nextDue(.posters) }

    public func dueExtraPredictions(now: Date, limit: Int) async throws -> [ExtraPrediction] {
        try await claim(.extraPredictions, now: now, limit: limit).map(ExtraPrediction.init(row:))
    }

    public func nextExtraPredictionCheck() async throws -> Date? { try await nextDue(.extraPredictions) }

    public func dueMessages(now: Date, limit: Int) async throws -> [OutgoingMessage] {
        try await claim(.messages, now: now, limit: limit).map(OutgoingMessage.init(row:))
    }

    public func nextMessageTime() async throws -> Date? { try await nextDue(.messages) }

    /// Every worker's queue, for `/readyz` and `/metrics`.
    public func queueDepths(now: Date) async throws -> [QueueDepth] {
        var depths: [QueueDepth] = []
        for rule in QueueRule.all {
            let (due, oldest) = try await depth(ClaimQueue(rule: rule, lease: 0), now: now)
            depths.append(
                QueueDepth(name: rule.name, due: due, oldestDueSeconds: oldest.map { max(0, now.unix - $0) } ?? 0))
        }
        return depths
    }

    public func refreshPlannerStatistics() async throws { try await sql.execute("ANALYZE") }

    public func isReachable() async -> Bool { (try? await sql.value(Int.self, "SELECT 1")) == 1 }
}
