import Blobs
import Foundation
import Logging
import Metrics
import Storage
import Synchronization

/// The loop every worker runs: start due items up to a concurrency limit, then sleep until the next item is due,
/// new work is signalled, or a running item finishes. All scheduling state lives in the archive's store, so a
/// restarted loop picks up exactly where the last one stopped.
///
/// An item whose outcome could not be recorded (its `work` threw: the database refused the write, the disk is full)
/// is still due in the store; it cools down here instead of being claimed again at once, for `cooldown`'s next wait
/// (1 s doubling to 5 min by default). A loop that spends the provider's budget also pauses as a whole while
/// writes fail, so the provider never sees more calls per generation because the database failed.
struct WorkerLoop<Item: Sendable>: Sendable {
    /// The queue's name, in logs and in `eachvault_unrecorded_work_total{queue}`.
    var name: String
    var wakeup: Wakeup
    var clock: any WallClock
    var concurrency: Int
    var idleCheck: Duration
    /// A stable identity, so an item already running is not started twice (items sharing a key never run together).
    var key: @Sendable (Item) -> String
    /// The team an item belongs to, and how many of one team's items may run at once: for queues whose items wait
    /// on what a team chose (its webhook endpoints), so one team's slow choices cannot hold every worker.
    var team: (@Sendable (Item) -> String)?
    var perTeam = Int.max
    /// Items due at `now`, at most `limit`.
    var due: @Sendable (_ now: Date, _ limit: Int) async throws -> [Item]
    /// When the next item falls due, or nil when none is scheduled.
    var nextDue: @Sendable () async throws -> Date?
    /// Works an item and records its outcome; throws when the outcome could not be recorded.
    var work: @Sendable (Item) async throws -> Void
    /// Pause the whole loop (not only the item) while outcomes cannot be recorded: for queues that call the
    /// provider, whose budget every team shares.
    var pausesOnUnrecorded = false
    var cooldown = Backoff(base: .seconds(1), factor: 2, cap: .seconds(300))
    /// How long the whole loop pauses after rounds of failures (`pausesOnUnrecorded`).
    var pause = Backoff(base: .seconds(1), factor: 2, cap: .seconds(30))
    var logger = Logger(label: "eachvault.worker")

    func run() async {
        let running = RunningItems()
        let cooling = Cooldowns(backoff: cooldown, pause: pause)
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                let now = clock.now()
                var (busy, teams) = running.snapshot
                let resting = cooling.resting(at: now)
                let room = cooling.isPaused(at: now) ? 0 : concurrency - busy.count
                var started = 0
                if room > 0 {
                    let limit = concurrency + busy.count + resting.count
                    let candidates = (try? await due(now, limit)) ?? []
                    for item in candidates where started < room {
                        let (itemKey, itemTeam) = (key(item), team?(item))
                        guard !busy.contains(itemKey), !resting.contains(itemKey) else { continue }
                        if let itemTeam, teams[itemTeam, default: 0] >= perTeam { continue }
                        busy.insert(itemKey)
                        if let itemTeam { teams[itemTeam, default: 0] += 1 }
                        running.insert(itemKey, team: itemTeam)
                        started += 1
                        group.addTask {
                            do {
                                try await work(item)
                                cooling.succeeded(itemKey)
                            } catch {
                                unrecorded(itemKey, error, cooling)
                            }
                            running.remove(itemKey)
                            wakeup.signal()
                        }
                    }
                }
                if started > 0 { continue }
                await wakeup.wait(timeout: await sleepTime(until: cooling.nextEnd(after: now)), clock: clock)
            }
        }
    }

    private func unrecorded(_ itemKey: String, _ error: any Error, _ cooling: Cooldowns) {
        guard !Task.isCancelled else { return }  // shutting down: the item is simply worked again after the restart
        let wait = cooling.failed(itemKey, at: clock.now(), pausingAll: pausesOnUnrecorded, outage: isPassingOutage(error))
        Counter(label: "eachvault_unrecorded_work_total", dimensions: [("queue", name)]).increment()
        logger.error(
            "cannot record the outcome of a work item; it waits before it is tried again",
            metadata: ["queue": "\(name)", "item": "\(itemKey)", "retry_in_ms": "\(Int(wait.seconds * 1000))", "error": "\(error)"])
    }

    /// Until the next due item or the end of the next cooldown; when items are due but all running (or no room),
    /// until one finishes.
    private func sleepTime(until coolingEnds: Date?) async -> Duration {
        let now = clock.now()
        var wait = idleCheck
        if let coolingEnds { wait = min(wait, Self.duration(from: now, to: coolingEnds, limit: idleCheck)) }
        guard let next = try? await nextDue(), next > now else { return wait }
        return min(wait, Self.duration(from: now, to: next, limit: idleCheck))
    }

    private static func duration(from now: Date, to end: Date, limit: Duration) -> Duration {
        .seconds(clamping: max(0, end.timeIntervalSince(now)), limit: limit.seconds) + .milliseconds(1)
    }
}

/// The keys (and teams) of the items a loop is working on, shared with the tasks that finish them.
private final class RunningItems: Sendable {
    private struct Item {
        var team: String?
    }

    private let state = Mutex<[String: Item]>([:])

    /// The running keys, and how many items of each team run.
    var snapshot: (keys: Set<String>, teams: [String: Int]) {
        state.withLock { items in
            (Set(items.keys), items.values.compactMap(\.team).reduce(into: [:]) { $0[$1, default: 0] += 1 })
        }
    }
    func insert(_ key: String, team: String?) { state.withLock { $0[key] = Item(team: team) } }
    func remove(_ key: String) { state.withLock { _ = $0.removeValue(forKey: key) } }
}

/// Items whose outcome could not be recorded, each resting until its cooldown ends; and, for a loop that pauses,
/// the end of the whole loop's pause.
final class Cooldowns: Sendable {
    private struct Rest {
        var failures: Int
        var until: Date
    }

    private struct State {
        var items: [String: Rest] = [:]
        var pausedUntil: Date?
        var consecutiveFailures = 0
    }

    private let backoff: Backoff
    private let pause: Backoff
    private let state = Mutex(State())

    init(backoff: Backoff, pause: Backoff) { (self.backoff, self.pause) = (backoff, pause) }

    /// The keys still resting at `now` (those whose rest ended stay known, so a next failure waits longer).
    func resting(at now: Date) -> Set<String> {
        state.withLock { state in Set(state.items.filter { $0.value.until > now }.keys) }
    }

    func isPaused(at now: Date) -> Bool { state.withLock { $0.pausedUntil.map { $0 > now } ?? false } }

    /// The earliest end of a rest or pause after `now`.
    func nextEnd(after now: Date) -> Date? {
        state.withLock { state in
            (state.items.values.map(\.until) + [state.pausedUntil].compactMap { $0 }).filter { $0 > now }.min()
        }
    }

    /// Records a failure and returns how long the item rests. After an `outage` (the item is not at fault) the rest
    /// lasts at most the loop's longest pause, so items go again soon after the outage ends, not minutes later.
    @discardableResult
    func failed(_ key: String, at now: Date, pausingAll: Bool, outage: Bool = false) -> Duration {
        state.withLock { state in
            // Items that rested long ago and never failed again (settled elsewhere) are forgotten.
            let stale = now.addingTimeInterval(-2 * backoff.cap.seconds)
            state.items = state.items.filter { $0.value.until > stale }
            let failures = (state.items[key]?.failures ?? 0) + 1
            var wait = backoff.delay(attempt: failures - 1, jitter: 1)
            if outage { wait = min(wait, pause.cap) }
            state.items[key] = Rest(failures: failures, until: now.addingTimeInterval(wait.seconds))
            // Failures of one round (items that were running together) lengthen the pause once.
            if pausingAll, state.pausedUntil.map({ $0 <= now }) ?? true {
                state.consecutiveFailures += 1
                let wait = pause.delay(attempt: state.consecutiveFailures - 1, jitter: 1)
                state.pausedUntil = now.addingTimeInterval(wait.seconds)
            }
            return wait
        }
    }

    func succeeded(_ key: String) {
        state.withLock { state in
            state.items[key] = nil
            state.consecutiveFailures = 0
            state.pausedUntil = nil
        }
    }
}
