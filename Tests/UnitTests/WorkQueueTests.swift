@testable import Storage
import Foundation
@testable import StoreSQLite
import TestSupport
import Testing

/// Workers ask every queue for its due rows and its next due time on each wake-up: each query must read the queue's
/// partial index by (team, due time), or its cost grows with the backlog (every pick read all 150,000 waiting
/// generations before these indexes). The plans are SQLite's own, on the migrated schema.
@Suite(.timeLimit(.minutes(5))) struct WorkQueueTests {
    static let queues: [(QueueRule, String)] = [
        (.submissions, "generations_submission_queue"), (.polls, "generations_poll_queue"),
        (.reconciliations, "generations_reconciliation_queue"), (.downloads, "outputs_download_queue"),
        (.inputDownloads, "inputs_download_queue"), (.posters, "derived_files_queue"),
        (.messages, "webhook_messages_due_by_endpoint"), (.extraPredictions, "extra_predictions_unconfirmed"),
    ]

    private func plan(_ sql: SQLText, in database: AppDatabase) throws -> String {
        try database.writer.read { db in
            try db.rows("EXPLAIN QUERY PLAN \(sql)").map { try $0["detail"] as String }.joined(separator: "\n")
        }
    }

    @Test(arguments: queues.indices)
    func everyQueueIsReadThroughItsIndex(index: Int) async throws {
        let (rule, indexName) = Self.queues[index]
        let (name, queue) = (rule.name, rule.sqlite)
        let database = try AppDatabase.inMemory()
        for sql in [queue.due(now: Date(), limit: 8), queue.nextDue] {
            let plan = try plan(sql, in: database)
            #expect(plan.contains("USING INDEX \(indexName)"), "\(name):\n\(plan)")
            #expect(!plan.contains("SCAN f\n") && !plan.hasSuffix("SCAN f"), "\(name) scans its table:\n\(plan)")
        }
    }

    @Test func aModelsRunTimesAreReadThroughTheirIndex() async throws {
        let database = try AppDatabase.inMemory()
        let plan = try plan(AppDatabase.recentRunTimes(model: "m"), in: database)
        #expect(plan.contains("generations_run_times"), "\(plan)")
    }
}
