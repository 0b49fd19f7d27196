import Foundation
import ServiceLifecycle
import Storage

extension Vault {
    /// The background workers, each a `WorkerLoop` over rows of SQLite that are due, as lifecycle services:
    /// submission retries, polling, output downloads, input downloads (lineage), reconciliation of creates whose answer was lost,
    /// and confirmation of second predictions that webhooks reveal.
    public var services: [any Service] {
        [
            Periodically(every: settings.interruptedCreateCheck, clock: clock) {
                await self.reconcileInterruptedSubmissions()
            },
            WorkerService(
                loop: WorkerLoop<Generation>(
                    name: "submissions", wakeup: submissionsDue, clock: clock, concurrency: 2, idleCheck: settings.idleCheck, key: \.id,
                    due: { now, limit in try await self.store.dueSubmissions(now: now, limit: limit) },
                    nextDue: { try await self.store.nextSubmissionTime() },
                    work: { try await self.submit($0) }, pausesOnUnrecorded: true, cooldown: settings.unrecordedCooldown,
                    pause: settings.unrecordedPause, logger: logger)),
            WorkerService(
                loop: WorkerLoop<Generation>(
                    name: "polls", wakeup: pollsDue, clock: clock, concurrency: settings.concurrentPolls, idleCheck: settings.idleCheck,
                    key: \.id,
                    due: { now, limit in try await self.store.duePolls(now: now, limit: limit) },
                    nextDue: { try await self.store.nextPollTime() },
                    work: { try await self.poll($0) }, pausesOnUnrecorded: true, cooldown: settings.unrecordedCooldown,
                    pause: settings.unrecordedPause, logger: logger)),
            WorkerService(
                prepare: {
                    self.blobs.sweepTempFiles(olderThan: 24 * 3600, now: self.now())
                    await self.sweepFinishedDownloads()
                },
                loop: fileLoop(.output, wakeup: downloadsDue, concurrency: settings.concurrentDownloads)),
            WorkerService(loop: fileLoop(.input, wakeup: inputsDue, concurrency: 2)),
            WorkerService(
                loop: WorkerLoop<Generation>(
                    name: "reconciliations", wakeup: reconciliationsDue, clock: clock, concurrency: 1, idleCheck: settings.idleCheck,
                    key: \.id,
                    due: { now, limit in try await self.store.dueReconciliations(now: now, limit: limit) },
                    nextDue: { try await self.store.nextReconciliationTime() },
                    work: { try await self.reconcile($0) }, pausesOnUnrecorded: true, cooldown: settings.unrecordedCooldown,
                    pause: settings.unrecordedPause, logger: logger)),
            WorkerService(
                loop: WorkerLoop<ExtraPrediction>(
                    name: "extra_predictions", wakeup: extraPredictionsDue, clock: clock, concurrency: 1, idleCheck: settings.idleCheck,
                    key: \.predictionID,
                    due: { now, limit in try await self.store.dueExtraPredictions(now: now, limit: limit) },
                    nextDue: { try await self.store.nextExtraPredictionCheck() },
                    work: { try await self.confirm($0) }, pausesOnUnrecorded: true, cooldown: settings.unrecordedCooldown,
                    pause: settings.unrecordedPause, logger: logger)),
            WorkerService(
                loop: WorkerLoop<OutgoingMessage>(
                    name: "outgoing_webhooks", wakeup: outgoingDue, clock: clock, concurrency: Self.deliveryWorkers,
                    idleCheck: settings.idleCheck, key: \.endpointID, team: \.teamID, perTeam: Self.deliveriesPerTeam,
                    due: { now, limit in try await self.store.dueMessages(now: now, limit: limit) },
                    nextDue: { try await self.store.nextMessageTime() },
                    work: { try await self.deliver($0) }, cooldown: settings.unrecordedCooldown, logger: logger)),
            Periodically(every: .seconds(600), clock: clock) { [blobs, clock] in
                blobs.sweepTempFiles(olderThan: 3600, prefixes: Self.abandonedTempPrefixes, now: clock.now())
            },
        ] + (settings.scrubPerHour > 0 ? [ScrubService(vault: self)] : []) + (posterMaker == nil ? [] : [posterService])
    }

    /// Posters and previews on single-threaded ffmpeg runs, at most one a team: a backlog (an archive from before
    /// posters, one team's burst) is worked through without taking the host from the service, and a second lane
    /// keeps another team's poster from waiting behind it.
    private var posterService: any Service {
        WorkerService(
            loop: WorkerLoop<DerivedWork>(
                name: "posters", wakeup: postersDue, clock: clock, concurrency: 2, idleCheck: settings.idleCheck, key: \.key,
                team: { $0.team ?? "" }, perTeam: 1,
                due: { now, limit in try await self.store.dueDerivedFiles(now: now, limit: limit) },
                nextDue: { try await self.store.nextDerivedFileTime() },
                work: { try await self.makeDerivedFile($0) }, cooldown: settings.unrecordedCooldown, logger: logger))
    }

    /// The workers of one queue of files to fetch (outputs, or media inputs).
    private func fileLoop(_ kind: PendingFile.Kind, wakeup: Wakeup, concurrency: Int) -> WorkerLoop<PendingFile> {
        WorkerLoop(
            name: kind == .output ? "downloads" : "input_downloads", wakeup: wakeup, clock: clock, concurrency: concurrency,
            idleCheck: settings.idleCheck, key: \.key,
            due: { now, limit in try await self.store.dueFiles(kind, now: now, limit: limit) },
            nextDue: { try await self.store.nextFileTime(kind) },
            work: { try await self.download($0) }, cooldown: settings.unrecordedCooldown, logger: logger)
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

extension Vault {
    /// The temp files of uploads that died with the process or their connection (a streamed upload or an inline
    /// file writes its temp file continuously, so one untouched for an hour is abandoned), swept every ten minutes.
    /// Resumable download prefixes are left to the 24-hour sweep at start.
    public static let abandonedTempPrefixes = ["upload-", "inline-"]
}

/// Housekeeping as a lifecycle service: `work` at start, then every `interval`, until shutdown.
struct Periodically: Service {
    let interval: Duration
    let clock: any WallClock
    let work: @Sendable () async -> Void

    init(every interval: Duration, clock: any WallClock, _ work: @escaping @Sendable () async -> Void) {
        self.interval = interval
        self.clock = clock
        self.work = work
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await work()
                try? await clock.sleep(for: interval)
            }
        }
    }
}
