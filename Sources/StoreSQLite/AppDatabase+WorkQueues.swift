import Foundation
import GRDB
import Storage

/// SQLite's reads of the work queues: each team's first due rows through the queue's partial index (`WorkQueue`),
/// teams taking turns; PostgreSQL claims the same rows under leases instead (`ClaimQueue`).

extension AppDatabase {
    /// Pending generations whose (re)submission is due, teams taking turns.
    public func dueSubmissions(now: Date, limit: Int) async throws -> [Generation] {
        try await read { db in try GenerationQueue.submissions.due(db, now: now, limit: limit) }
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

    /// When the next (re)submission is due, or nil when none is waiting.
    public func nextSubmissionTime() async throws -> Date? {
        try await read { db in try GenerationQueue.submissions.nextDue(db) }
    }

    /// Submitted generations whose poll is due, teams taking turns.
    public func duePolls(now: Date, limit: Int) async throws -> [Generation] {
        try await read { db in try GenerationQueue.polls.due(db, now: now, limit: limit) }
    }

    /// When the next poll (or owed confirmation) is due, or nil when none is scheduled.
    public func nextPollTime() async throws -> Date? {
        try await read { db in try GenerationQueue.polls.nextDue(db) }
    }

    /// Uncertain creates due for another look, teams taking turns.
    public func dueReconciliations(now: Date, limit: Int) async throws -> [Generation] {
        try await read { db in try GenerationQueue.reconciliations.due(db, now: now, limit: limit) }
    }

    public func nextReconciliationTime() async throws -> Date? {
        try await read { db in try GenerationQueue.reconciliations.nextDue(db) }
    }

    /// Second predictions awaiting the provider's confirmation, oldest first, with their generations.
    public func dueExtraPredictions(now: Date, limit: Int) async throws -> [ExtraPrediction] {
        try await read { db in
            try db.rows(
                """
                SELECT e.prediction_id AS extra_prediction_id, g.* FROM extra_predictions e
                JOIN generations g ON g.id = e.generation_id
                WHERE e.state = 'unconfirmed' AND e.next_check_at <= \(now.unix) ORDER BY e.next_check_at LIMIT \(limit)
                """
            ).map { try ExtraPrediction(predictionID: $0["extra_prediction_id"], generation: Generation(row: $0)) }
        }
    }

    public func nextExtraPredictionCheck() async throws -> Date? {
        try await read { db in
            try db.value(Date.self, "SELECT min(next_check_at) FROM extra_predictions WHERE state = 'unconfirmed'")
        }
    }

    /// Files still to be stored whose next attempt is due, teams taking turns (each team's oldest before any team's
    /// second), so one team's backlog cannot hold the workers for everyone.
    public func dueFiles(_ kind: PendingFile.Kind, now: Date, limit: Int) async throws -> [PendingFile] {
        let sql = kind.queue.due(now: now, limit: limit)
        return try await read { db in
            switch kind {
            case .output: try db.fetchAll(GenerationOutput.self, sql).map(PendingFile.output)
            case .input: try db.fetchAll(GenerationInput.self, sql).map(PendingFile.input)
            }
        }
    }

    /// When the next attempt of `kind` is due, or nil when none is waiting.
    public func nextFileTime(_ kind: PendingFile.Kind) async throws -> Date? {
        try await read { db in try db.value(Date.self, kind.queue.nextDue) }
    }

    /// Posters and previews waiting to be made, oldest first.
    public func dueDerivedFiles(now: Date, limit: Int) async throws -> [DerivedWork] {
        try await read { db in
            try db.rows(
                """
                SELECT a.*, d.kind AS derived_kind FROM derived_files d JOIN assets a ON a.sha256 = d.source_sha256
                WHERE d.sha256 IS NULL AND d.error IS NULL AND d.changed_at <= \(now)
                ORDER BY d.changed_at LIMIT \(limit)
                """
            ).map(DerivedWork.init(row:))
        }
    }

    public func nextDerivedFileTime() async throws -> Date? {
        try await read { db in
            try db.value(Date.self, "SELECT min(changed_at) FROM derived_files WHERE sha256 IS NULL AND error IS NULL")
        }
    }

    /// Messages due now, each the oldest one still undelivered of its generation for its endpoint (events of one
    /// generation arrive in order), at most `limit`.
    public func dueMessages(now: Date, limit: Int) async throws -> [OutgoingMessage] {
        try await read { db in
            try db.rows(
                """
                SELECT m.id, m.message_id, m.endpoint_id, e.url, e.secret, m.payload, m.attempts
                FROM webhook_messages m JOIN webhook_endpoints e ON e.id = m.endpoint_id
                WHERE m.next_attempt_at IS NOT NULL AND m.next_attempt_at <= \(now.unix) AND e.enabled = 1
                AND NOT EXISTS (
                    SELECT 1 FROM webhook_messages earlier
                    WHERE earlier.endpoint_id = m.endpoint_id AND earlier.generation_id IS m.generation_id
                    AND earlier.id < m.id AND earlier.next_attempt_at IS NOT NULL)
                ORDER BY m.next_attempt_at LIMIT \(limit)
                """
            ).map {
                try OutgoingMessage(
                    row: $0[0], messageID: $0[1], endpointID: $0[2], url: $0[3], secret: $0[4], payload: $0[5],
                    attempts: $0[6])
            }
        }
    }

    /// Every worker's queue, for `/readyz` and `/metrics`.
    public func queueDepths(now: Date) async throws -> [QueueDepth] {
        try await read { db in
            try QueueRule.all.map { rule in
                let row = try db.row(WorkQueue(rule).depth(now: now))
                let oldest: Double? = try row?[1]
                return QueueDepth(name: rule.name, due: try row?[0] ?? 0, oldestDueSeconds: oldest.map { max(0, now.unix - $0) } ?? 0)
            }
        }
    }
}
