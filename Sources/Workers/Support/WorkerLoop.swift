import Foundation
import Synchronization

/// The loop every worker runs: start due items up to a concurrency limit, then sleep until the next item is due,
/// new work is signalled, or a running item finishes. All scheduling state lives in the archive's store, so a restarted loop
/// picks up exactly where the last one stopped.
struct WorkerLoop<Item: Sendable>: Sendable {
    var wakeup: Wakeup
    var clock: any WallClock
    var concurrency: Int
    var idleCheck: Duration
    /// A stable identity, so an item already running is not started twice.
    var key: @Sendable (Item) -> String
    /// Items due at `now`, at most `limit`.
    var due: @Sendable (_ now: Date, _ limit: Int) async throws -> [Item]
    /// When the next item falls due, or nil when none is scheduled.
    var nextDue: @Sendable () async throws -> Date?
    var work: @Sendable (Item) async -> Void

    func run() async {
        let running = RunningItems()
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                let busy = running.keys
                let room = concurrency - busy.count
                var started = 0
                if room > 0 {
                    let (now, limit) = (clock.now(), concurrency + busy.count)
                    let candidates = (try? await due(now, limit)) ?? []
                    for item in candidates where started < room {
                        let itemKey = key(item)
                        guard !busy.contains(itemKey) else { continue }
                        running.insert(itemKey)
                        started += 1
                        group.addTask {
                            await work(item)
                            running.remove(itemKey)
                            wakeup.signal()
                        }
                    }
                }
                if started > 0 { continue }
                await wakeup.wait(timeout: await sleepTime(), clock: clock)
            }
        }
    }

    /// Until the next due item; when items are due but all running (or no room), until one finishes.
    private func sleepTime() async -> Duration {
        guard let next = try? await nextDue() else { return idleCheck }
        let wait = next.timeIntervalSince(clock.now())
        guard wait > 0 else { return idleCheck }
        return min(idleCheck, .seconds(clamping: wait, limit: idleCheck.seconds) + .milliseconds(1))
    }
}

/// The keys of the items a loop is working on, shared with the tasks that finish them.
private final class RunningItems: Sendable {
    private let state = Mutex<Set<String>>([])

    var keys: Set<String> { state.withLock { $0 } }
    func insert(_ key: String) { state.withLock { _ = $0.insert(key) } }
    func remove(_ key: String) { state.withLock { _ = $0.remove(key) } }
}
