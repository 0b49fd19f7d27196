import Archive
import ServiceLifecycle

/// Retries creates that failed with a definite, retryable answer (429, 5xx), and on start settles creates that
/// were in flight when the service last stopped.
public struct SubmissionService: Service {
    let vault: Vault

    public init(vault: Vault) {
        self.vault = vault
    }

    public func run() async throws {
        vault.reconcileInterruptedSubmissions()
        let vault = self.vault
        let loop = WorkerLoop<Generation>(
            wakeup: vault.submissionsDue, clock: vault.clock, concurrency: 2, idleCheck: vault.settings.idleCheck,
            key: \.id,
            due: { now, limit in try vault.database.dueSubmissions(now: now, limit: limit) },
            nextDue: { try vault.database.nextActionTime(statuses: [.pending]) },
            work: { generation in await vault.submit(generation) })
        await cancelWhenGracefulShutdown { await loop.run() }
    }
}
