import Synchronization

/// Lets one waiting worker loop be woken early (new work arrived) instead of sleeping to its next deadline.
/// A signal sent while nobody waits is remembered, so no wake-up is lost.
public final class Wakeup: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())
    /// Also told of each signal (other instances' wake-ups), when set.
    private let relay = Mutex<(@Sendable () -> Void)?>(nil)

    public init() {}

    /// Passes every signal on to `relay` too (see `signalHere` for signals that came from elsewhere).
    public func relay(to relay: @escaping @Sendable () -> Void) {
        self.relay.withLock { $0 = relay }
    }

    public func signal() {
        signalHere()
        relay.withLock { $0 }?()
    }

    /// Wakes this process's waiting worker only (a signal relayed from another instance).
    public func signalHere() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.pending = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Returns on a signal, after `timeout` by `clock`, or on cancellation, whichever comes first.
    public func wait(timeout: Duration, clock: any WallClock = SystemClock()) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await clock.sleep(for: timeout) }
            group.addTask { await self.waitForSignal() }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForSignal() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if state.pending || Task.isCancelled {
                        state.pending = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }
    }
}
