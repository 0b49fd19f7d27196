import Synchronization

/// `body` ran past its deadline (`withDeadline`), or was given up early because waiting was pointless.
public struct DeadlineExceeded: Error, CustomStringConvertible {
    public var limit: Duration
    /// True when `EarlyCheck` ended the wait before the deadline.
    public var gaveUpEarly = false
    public var description: String { gaveUpEarly ? "given up after \(limit): no answer would come" : "no answer within \(limit)" }
}

/// A question asked of a wait that has lasted `after` without an answer, and again `every` while it lasts:
/// `isHopeless` true (the server it waits for is gone) ends it then, rather than at its deadline.
public struct EarlyCheck: Sendable {
    public var after: Duration
    public var every: Duration
    public var isHopeless: @Sendable () async -> Bool

    public init(after: Duration, every: Duration = .seconds(1), isHopeless: @escaping @Sendable () async -> Bool) {
        self.after = after
        self.every = every
        self.isHopeless = isHopeless
    }
}

/// Runs `body` and returns its result, or throws `DeadlineExceeded` once `limit` has passed, whether or not `body`
/// has ended: `body` is then cancelled and left to finish on its own (a lease request, a statement on a connection
/// that no longer answers). Deadlines are kept by one `Watchdog`, not a timer each: thousands of statements a second
/// each arming and cancelling a `Task.sleep` left as many pending timers in the global executor.
///
/// - Parameter expiring: asked when the deadline comes; `false` lets `body` run on (it has passed the point the
///   deadline guards, such as waiting for a connection).
/// - Parameter check: ends the wait before the deadline when it finds it hopeless (then `expiring` is asked too).
public func withDeadline<T: Sendable>(
    _ limit: Duration, expiring: @escaping @Sendable () -> Bool = { true }, check: EarlyCheck? = nil,
    _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    let outcome = Outcome<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            outcome.install(continuation)
            let work = Task {
                do { outcome.finish(.success(try await body())) } catch { outcome.finish(.failure(error)) }
            }
            let alarm = Watchdog.shared.schedule(after: limit) {
                guard expiring() else { return }
                outcome.finish(.failure(DeadlineExceeded(limit: limit)))
                work.cancel()
            }
            let early = EarlyAlarm()
            if let check {
                early.arm(check, after: check.after, started: .now, outcome: outcome, expiring: expiring) { work.cancel() }
            }
            outcome.onFinish {
                Watchdog.shared.cancel(alarm)
                early.disarm()
                work.cancel()  // a no-op once it has ended; stops it when the caller was cancelled
            }
        }
    } onCancel: {
        outcome.finish(.failure(CancellationError()))
    }
}

/// The pending alarm of an `EarlyCheck`, asked again while the wait lasts and the answer is "not hopeless".
private final class EarlyAlarm: Sendable {
    private let id = Mutex<Int?>(nil)

    func arm<T: Sendable>(
        _ check: EarlyCheck, after delay: Duration, started: ContinuousClock.Instant, outcome: Outcome<T>,
        expiring: @escaping @Sendable () -> Bool, giveUp: @escaping @Sendable () -> Void
    ) {
        let scheduled = Watchdog.shared.schedule(after: delay) {
            Task {
                guard !outcome.isFinished else { return }
                guard await check.isHopeless() else {
                    return self.arm(check, after: check.every, started: started, outcome: outcome, expiring: expiring, giveUp: giveUp)
                }
                guard expiring() else { return }
                outcome.finish(.failure(DeadlineExceeded(limit: .now - started, gaveUpEarly: true)))
                giveUp()
            }
        }
        id.withLock { $0 = scheduled }
        if outcome.isFinished { Watchdog.shared.cancel(scheduled) }
    }

    func disarm() {
        if let scheduled = id.withLock({ $0 }) { Watchdog.shared.cancel(scheduled) }
    }
}

/// The first outcome of a race, handed to the waiting continuation once.
private final class Outcome<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var result: Result<T, any Error>?
        var cleanup: (@Sendable () -> Void)?
    }

    private let state = Mutex(State())

    func install(_ continuation: CheckedContinuation<T, any Error>) {
        let early = state.withLock { state -> Result<T, any Error>? in
            if state.result == nil { state.continuation = continuation }
            return state.result
        }
        if let early { continuation.resume(with: early) }  // cancelled before it began
    }

    var isFinished: Bool { state.withLock { $0.result != nil } }

    /// Runs `cleanup` when the race is decided (at once if it already is).
    func onFinish(_ cleanup: @escaping @Sendable () -> Void) {
        let decided = state.withLock { state -> Bool in
            if state.result != nil { return true }
            state.cleanup = cleanup
            return false
        }
        if decided { cleanup() }
    }

    func finish(_ result: Result<T, any Error>) {
        let (continuation, cleanup) = state.withLock { state -> (CheckedContinuation<T, any Error>?, (@Sendable () -> Void)?) in
            guard state.result == nil else { return (nil, nil) }
            state.result = result
            defer { (state.continuation, state.cleanup) = (nil, nil) }
            return (state.continuation, state.cleanup)
        }
        continuation?.resume(with: result)
        cleanup?()
    }
}

/// Alarms for many deadlines from one ticking task: it wakes every `tick` while any alarm is set and runs those due.
/// An alarm fires up to a tick late, which deadlines of seconds do not mind.
public final class Watchdog: Sendable {
    public static let shared = Watchdog(tick: .milliseconds(100))

    private struct Alarm {
        var due: ContinuousClock.Instant
        var action: @Sendable () -> Void
    }

    private struct State {
        var nextID = 0
        var alarms: [Int: Alarm] = [:]
        var ticking = false
    }

    private let tick: Duration
    private let state = Mutex(State())

    public init(tick: Duration) { self.tick = tick }

    /// Runs `action` once `delay` has passed, unless cancelled first; returns the alarm's id.
    public func schedule(after delay: Duration, _ action: @escaping @Sendable () -> Void) -> Int {
        let (id, start) = state.withLock { state -> (Int, Bool) in
            state.nextID &+= 1
            state.alarms[state.nextID] = Alarm(due: .now + delay, action: action)
            defer { state.ticking = true }
            return (state.nextID, !state.ticking)
        }
        if start { Task.detached { await self.run() } }
        return id
    }

    public func cancel(_ id: Int) {
        _ = state.withLock { $0.alarms.removeValue(forKey: id) }
    }

    private func run() async {
        while true {
            do {
                try await Task.sleep(for: tick)
            } catch {
                // Never cancelled by anyone (it is detached); were it, a sleep that throws at once must not spin.
                state.withLock { $0.ticking = false }
                return
            }
            let now = ContinuousClock.now
            let (due, more) = state.withLock { state -> ([Alarm], Bool) in
                let due = state.alarms.filter { $0.value.due <= now }
                for id in due.keys { state.alarms[id] = nil }
                if state.alarms.isEmpty { state.ticking = false }
                return (Array(due.values), state.ticking)
            }
            for alarm in due { alarm.action() }
            if !more { return }
        }
    }
}
