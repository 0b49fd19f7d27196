@testable import Storage
import Blobs
import Foundation
import Logging
import Synchronization
import TestSupport
import Testing
@testable import Workers

/// An outcome that cannot be recorded leaves its item due in the store; the loop must let it cool down instead of
/// working it again at once (a NUL byte in an endpoint's answer once made PostgreSQL post one message 90 times a
/// second, forever).
@Suite(.timeLimit(.minutes(2))) struct WorkerLoopTests {
    private struct Refused: Error {}

    /// When each item was worked, by key.
    private final class Attempts: Sendable {
        let times = Mutex<[String: [ContinuousClock.Instant]]>([:])
        func note(_ key: String) { times.withLock { $0[key, default: []].append(.now) } }
        func of(_ key: String) -> [ContinuousClock.Instant] { times.withLock { $0[key] ?? [] } }
    }

    private func loop(items: [String], attempts: Attempts, pauses: Bool, failing: Set<String>) -> WorkerLoop<String> {
        WorkerLoop(
            name: "test", wakeup: Wakeup(), clock: SystemClock(), concurrency: 4, idleCheck: .seconds(30), key: { $0 },
            due: { _, limit in Array(items.prefix(limit)) },  // every item stays due: nothing is ever recorded
            nextDue: { Date() },
            work: { item in
                attempts.note(item)
                if failing.contains(item) { throw Refused() }
            }, pausesOnUnrecorded: pauses, cooldown: Backoff(base: .milliseconds(300), factor: 2, cap: .seconds(60)),
            pause: Backoff(base: .milliseconds(600), factor: 2, cap: .seconds(5)),
            logger: Logger.quiet)
    }

    @Test func anItemWhoseOutcomeCannotBeRecordedWaitsLongerAndLongerBeforeItIsTriedAgain() async throws {
        let attempts = Attempts()
        let running = Task { await loop(items: ["a"], attempts: attempts, pauses: false, failing: ["a"]).run() }
        defer { running.cancel() }
        try await eventually(timeout: .seconds(120)) { attempts.of("a").count >= 3 }  // slow on a loaded host
        running.cancel()
        let times = attempts.of("a")
        try #require(times.count >= 3)
        // 300 ms then 600 ms between tries (no jitter on cooldowns), never straight away.
        #expect(times[1] - times[0] >= .milliseconds(290))
        #expect(times[2] - times[1] >= .milliseconds(590))
    }

    @Test func othersGoOnWhileOneItemCoolsDownUnlessTheQueuePausesAsAWhole() async throws {
        let attempts = Attempts()
        let running = Task { await loop(items: ["bad", "good"], attempts: attempts, pauses: false, failing: ["bad"]).run() }
        try await eventually(timeout: .seconds(120)) { attempts.of("good").count >= 20 }  // slow on a loaded host
        running.cancel()
        // Without cooldowns the two would be worked alike; with them the bad one rests 0.3 s doubling, at most nine
        // times in two minutes.
        #expect(attempts.of("bad").count < 12)

        // A queue that spends the provider's budget stops altogether while no outcome can be recorded (the
        // database down): a round of failures pauses it for 600 ms, where each item alone would rest only 300 ms.
        let paused = Attempts()
        let pausing = Task { await loop(items: ["x", "y"], attempts: paused, pauses: true, failing: ["x", "y"]).run() }
        try await eventually(timeout: .seconds(120)) { paused.of("x").count + paused.of("y").count >= 4 }
        pausing.cancel()
        let all = (paused.of("x") + paused.of("y")).sorted()
        try #require(!all.isEmpty)
        let duringPause = all.filter { $0 > all[0] + .milliseconds(100) && $0 < all[0] + .milliseconds(550) }
        #expect(duringPause.isEmpty, "\(duringPause.count) items worked while the queue was paused")
    }

    /// An outage of the store is not the item's fault: its rests grow as any other's but stop at the loop's longest
    /// pause (30 s in service), so the item goes again soon after the database or the blob store is back.
    @Test func restsAfterAnOutageStopAtTheLongestPause() {
        let cooling = Cooldowns(
            backoff: Backoff(base: .seconds(1), factor: 2, cap: .seconds(300)),
            pause: Backoff(base: .seconds(1), factor: 2, cap: .seconds(30)))
        let now = Date()
        let outage = (0..<12).map { _ in cooling.failed("a", at: now, pausingAll: false, outage: true) }
        let own = (0..<12).map { _ in cooling.failed("b", at: now, pausingAll: false) }
        #expect(outage.first == .seconds(1) && outage.last == .seconds(30))
        #expect(own.last == .seconds(300))
        let lost = UnrecordedOutcome(what: "a poll", cause: StoreUnavailable(.unreachable, detail: "test"))
        #expect(isPassingOutage(lost) && !isPassingOutage(Refused()))
    }
}

extension WorkerLoopTests {
    /// Items as outgoing deliveries are: an endpoint (the key: one delivery in flight each) of a team.
    private struct Delivery: Sendable {
        var endpoint: String
        var team: String
    }

    /// Team A's endpoints hang; team B's delivery, due later, still starts at once, because one team holds at most
    /// its share of the workers, and no endpoint has two deliveries in flight.
    @Test func aTeamWhoseEndpointsHangHoldsOnlyItsShareOfTheWorkers() async throws {
        let started = Mutex<[String]>([])
        let waiting = Mutex((0..<12).map { Delivery(endpoint: "a\($0 % 6)", team: "a") })  // two per endpoint
        let wakeup = Wakeup()
        let loop = WorkerLoop<Delivery>(
            name: "test", wakeup: wakeup, clock: SystemClock(), concurrency: 4, idleCheck: .seconds(30),
            key: \.endpoint, team: \.team, perTeam: 2,
            due: { _, limit in waiting.withLock { Array($0.prefix(limit)) } },
            nextDue: { Date() },
            work: { item in
                started.withLock { $0.append(item.endpoint) }
                if item.team == "a" { try await Task.sleep(for: .seconds(3600)) }
                waiting.withLock { $0.removeAll { $0.endpoint == item.endpoint } }  // delivered
            }, logger: Logger.quiet)
        let running = Task { await loop.run() }
        defer { running.cancel() }
        try await eventually(timeout: .seconds(60)) { started.withLock { $0.count >= 2 } }
        // Its first row comes before team A's third (the stores give teams turns).
        waiting.withLock { $0.insert(Delivery(endpoint: "b0", team: "b"), at: 0) }
        wakeup.signal()
        try await eventually(timeout: .seconds(60)) { started.withLock { $0.contains("b0") } }
        let seen = started.withLock { $0 }
        #expect(seen.filter { $0.hasPrefix("a") }.count == 2, "\(seen)")
        #expect(Set(seen).count == seen.count, "an endpoint had two deliveries in flight: \(seen)")
    }

    /// An item of no team is as much "running" as any other: it is never started again before it finishes.
    @Test func anItemWithoutATeamIsNotStartedTwiceWhileItRuns() async throws {
        let starts = Mutex(0)
        let loop = WorkerLoop<String>(
            name: "test", wakeup: Wakeup(), clock: SystemClock(), concurrency: 4, idleCheck: .milliseconds(10),
            key: { $0 },
            due: { _, _ in ["only"] }, nextDue: { Date() },
            work: { _ in
                starts.withLock { $0 += 1 }
                try await Task.sleep(for: .seconds(3600))
            }, logger: Logger.quiet)
        let running = Task { await loop.run() }
        defer { running.cancel() }
        try await eventually(timeout: .seconds(60)) { starts.withLock { $0 } >= 1 }
        try await Task.sleep(for: .milliseconds(300))  // many wake-ups of the loop, each seeing the item due
        #expect(starts.withLock { $0 } == 1)
    }
}
