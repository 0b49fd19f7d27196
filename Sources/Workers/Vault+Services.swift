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
            TempFileJanitor(blobs: blobs),
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

/// Removes the temp files of uploads that died with the process or their connection (a streamed upload or an inline
/// file writes its temp file continuously, so one untouched for an hour is abandoned). Resumable download prefixes
/// are left to the 24-hour sweep at start.
struct TempFileJanitor: Service {
    static let prefixes = ["upload-", "inline-"]
    let blobs: BlobStore
    var interval: Duration = .seconds(600)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                blobs.sweepTempFiles(olderThan: 3600, prefixes: Self.prefixes)
                try? await Task.sleep(for: interval)
            }
        }
    }
}
