import Archive
import Foundation
import ServiceLifecycle

extension Vault {
    /// The background workers, each a `WorkerLoop` over rows of SQLite that are due, as lifecycle services:
    /// submission retries, polling, output downloads, input downloads (lineage), reconciliation of creates whose answer was lost,
    /// and confirmation of second predictions that webhooks reveal.
    public var services: [any Service] {
        [
            WorkerService(
                prepare: { self.reconcileInterruptedSubmissions() },
                loop: WorkerLoop<Generation>(
                    wakeup: submissionsDue, clock: clock, concurrency: 2, idleCheck: settings.idleCheck, key: \.id,
                    due: { now, limit in try self.database.dueSubmissions(now: now, limit: limit) },
                    nextDue: { try self.database.nextSubmissionTime() },
                    work: { await self.submit($0) })),
            WorkerService(
                loop: WorkerLoop<Generation>(
                    wakeup: pollsDue, clock: clock, concurrency: settings.concurrentPolls, idleCheck: settings.idleCheck,
                    key: \.id,
                    due: { now, limit in try self.database.duePolls(now: now, limit: limit) },
                    nextDue: { try self.database.nextPollTime() },
                    work: { await self.poll($0) })),
            WorkerService(
                prepare: { self.blobs.sweepTempFiles(olderThan: 24 * 3600) },
                loop: WorkerLoop<GenerationOutput>(
                    wakeup: downloadsDue, clock: clock, concurrency: settings.concurrentDownloads,
                    idleCheck: settings.idleCheck, key: { "\($0.generationID)/\($0.position)" },
                    due: { now, limit in try self.database.dueDownloads(now: now, limit: limit) },
                    nextDue: { try self.database.nextDownloadTime() },
                    work: { await self.download($0) })),
            WorkerService(
                loop: WorkerLoop<GenerationInput>(
                    wakeup: inputsDue, clock: clock, concurrency: 2, idleCheck: settings.idleCheck,
                    key: { "\($0.generationID)/\($0.field)/\($0.position)" },
                    due: { now, limit in try self.database.dueInputDownloads(now: now, limit: limit) },
                    nextDue: { try self.database.nextInputDownloadTime() },
                    work: { await self.download($0) })),
            WorkerService(
                loop: WorkerLoop<Generation>(
                    wakeup: reconciliationsDue, clock: clock, concurrency: 1, idleCheck: settings.idleCheck,
                    key: \.id,
                    due: { now, limit in try self.database.dueReconciliations(now: now, limit: limit) },
                    nextDue: { try self.database.nextReconciliationTime() },
                    work: { await self.reconcile($0) })),
            WorkerService(
                loop: WorkerLoop<ExtraPrediction>(
                    wakeup: extraPredictionsDue, clock: clock, concurrency: 1, idleCheck: settings.idleCheck,
                    key: \.predictionID,
                    due: { now, limit in try self.database.dueExtraPredictions(now: now, limit: limit) },
                    nextDue: { try self.database.nextExtraPredictionCheck() },
                    work: { await self.confirm($0) })),
        ]
    }
}

/// One worker loop as a lifecycle service; it stops at graceful shutdown (work in flight is cancelled and, its
/// state being in SQLite, simply done again after the restart).
struct WorkerService<Item: Sendable>: Service {
    var prepare: @Sendable () async -> Void = {}
    var loop: WorkerLoop<Item>

    func run() async throws {
        await prepare()
        await cancelWhenGracefulShutdown { await loop.run() }
    }
}
