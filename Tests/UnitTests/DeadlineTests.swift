import Foundation
import Synchronization
import TestSupport
import Testing
import Transport

/// `withDeadline` answers by its deadline whatever the work does, and lets work past its guarded point run on.
@Suite(.timeLimit(.minutes(5))) struct DeadlineTests {
    /// Work that ignores cancellation until released: it waits on a continuation, which cancellation does not end
    /// (a loop of `try? await Task.sleep` would spin once cancelled, each sleep throwing at once).
    private final class Gate: Sendable {
        private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

        func release() {
            let waiters = state.withLock { state in
                state.open = true
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume() }
        }

        func wait() async {
            await withCheckedContinuation { continuation in
                let open = state.withLock { state in
                    if !state.open { state.waiters.append(continuation) }
                    return state.open
                }
                if open { continuation.resume() }
            }
        }
    }

    @Test func quickWorkReturnsItsResultAndItsErrors() async throws {
        #expect(try await withDeadline(.seconds(5)) { 42 } == 42)
        struct Refused: Error {}
        await #expect(throws: Refused.self) { try await withDeadline(.seconds(5)) { throw Refused() } }
    }

    @Test func workThatDoesNotAnswerIsGivenUpAtTheDeadlineEvenIfItIgnoresCancellation() async throws {
        let gate = Gate()
        defer { gate.release() }
        let started = ContinuousClock.now
        await #expect(throws: DeadlineExceeded.self) {
            try await withDeadline(.milliseconds(200)) {
                await gate.wait()
                return 1
            }
        }
        // Hang detection only: the work never ends, so any answer came from the deadline (a loaded machine delays it).
        #expect(ContinuousClock.now - started < .seconds(120), "answered at the deadline, not when the work ended")
    }

    /// The early check is asked again while the wait lasts, and ends it the first time it finds it hopeless (a
    /// server that still answered when the wait began, gone a moment later).
    @Test func anEarlyCheckIsAskedAgainUntilTheWaitIsHopeless() async throws {
        let gate = Gate()
        defer { gate.release() }
        let asked = Atomic<Int>(0)
        let check = EarlyCheck(after: .milliseconds(50), every: .milliseconds(50)) {
            asked.add(1, ordering: .relaxed).newValue >= 3
        }
        // The deadline is far off (a suite running beside a CPU hog has delayed these alarms by tens of seconds);
        // what is tested is that the check is asked again and its answer ends the wait, not when.
        let error = await #expect(throws: DeadlineExceeded.self) {
            try await withDeadline(.seconds(200), check: check) {
                await gate.wait()
                return 1
            }
        }
        #expect(error?.gaveUpEarly == true, "given up by the check, not at the deadline")
        #expect(asked.load(ordering: .relaxed) == 3)
    }

    @Test func workPastItsGuardedPointRunsOnToItsEnd() async throws {
        // The deadline asks, finds the work past its guarded point, and lets it be.
        let value = try await withDeadline(.milliseconds(100), expiring: { false }) {
            try await Task.sleep(for: .milliseconds(400))
            return "done"
        }
        #expect(value == "done")
    }

    @Test func manyDeadlinesShareOneWatchdog() async throws {
        let values = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<2_000 { group.addTask { try await withDeadline(.seconds(30)) { index } } }
            return try await group.reduce(0, +)
        }
        #expect(values == (0..<2_000).reduce(0, +))
    }
}
