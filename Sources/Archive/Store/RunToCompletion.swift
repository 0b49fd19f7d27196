import Dispatch
import Synchronization

/// Runs asynchronous work to completion on the calling thread, which waits for it: the archive's logic is written
/// once, asynchronously, over `SQLSession`, and SQLite's connection (a GRDB `Database`) may only be used on the
/// thread GRDB lends it to, inside a synchronous closure. Every job of the work's task runs here, so its SQLite
/// calls happen where GRDB expects them, with no thread hop per statement (about 5 µs per transaction); should the
/// work await something elsewhere (an actor), this thread waits for the job that resumes it.
///
/// Only for work whose awaits end by themselves: the thread is held until it returns.
func runToCompletion<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
    let executor = CallingThreadExecutor()
    let outcome = Mutex<Result<T, any Error>?>(nil)
    _ = Task(executorPreference: executor) {
        let result: Result<T, any Error>
        do { result = .success(try await work()) } catch { result = .failure(error) }
        outcome.withLock { $0 = result }
        executor.wake()
    }
    while true {
        if let result = outcome.withLock({ $0 }) { return try result.get() }
        executor.runJobs()
    }
}

/// The executor of `runToCompletion`: jobs wait in a queue until the calling thread runs them.
private final class CallingThreadExecutor: TaskExecutor, Sendable {
    private let jobs = Mutex<[UnownedJob]>([])
    private let ready = DispatchSemaphore(value: 0)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        jobs.withLock { $0.append(job) }
        ready.signal()
    }

    func wake() { ready.signal() }

    /// Waits for at least one job (or the end of the work), then runs every job queued.
    func runJobs() {
        ready.wait()
        while let job = jobs.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) {
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
