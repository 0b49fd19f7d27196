import Synchronization

/// Work the service does once at start while already answering (planner statistics): `/readyz` says "not ready"
/// until each piece has ended, so a load balancer waits while clients that do connect are served.
public final class WarmUp: Sendable {
    private let outstanding = Mutex(0)

    public init() {}

    /// True when no warm-up work is outstanding.
    public var isComplete: Bool { outstanding.withLock { $0 == 0 } }

    /// Counts a piece of work; call before the server opens, so readiness never flickers to "ready" first.
    public func expect() { outstanding.withLock { $0 += 1 } }

    /// Ends a piece counted by `expect()`, whether it succeeded or not.
    public func finish() { outstanding.withLock { $0 -= 1 } }
}
