import Dispatch
import Synchronization

/// Work that blocks its thread (SQLite calls waiting for a query or a lock, libcurl transfers, file system walks)
/// runs here, on a Dispatch thread of its own, while the caller suspends: Swift's cooperative pool has one thread per
/// core (two on a two-core host), and a blocked one stalls every task behind it.
public enum Blocking {
    public static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            perform { continuation.resume(with: Result { try work() }) }
        }
    }

    /// Starts `work` at once on a thread that may block for as long as it takes. A serial queue of its own is
    /// "overcommit" in Dispatch: it gets a thread even when every thread of the shared pools (sized by core count)
    /// is blocked, where work on a global or shared concurrent queue would wait behind long transfers.
    public static func perform(_ work: @escaping @Sendable () -> Void) {
        DispatchQueue(label: "eachvault.blocking", qos: .userInitiated).async(execute: work)
    }
}

/// Blocking work of one kind, at most `width` jobs at a time: callers beyond that wait suspended, holding no thread.
/// Without it, 64 webhook deliveries each waiting for one of SQLite's five readers held 64 threads (and their
/// memory) at once.
public final class BlockingLane: Sendable {
    private struct State {
        var running = 0
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let width: Int
    private let state = Mutex(State())

    public init(width: Int) { self.width = max(1, width) }

    public func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        await enter()
        defer { leave() }
        return try await Blocking.run(work)
    }

    private func enter() async {
        let admitted = state.withLock { state in
            guard state.running < width else { return false }
            state.running += 1
            return true
        }
        if admitted { return }
        await withCheckedContinuation { continuation in
            let admittedNow = state.withLock { state in
                guard state.running < width else {
                    state.waiting.append(continuation)
                    return false
                }
                state.running += 1
                return true
            }
            if admittedNow { continuation.resume() }
        }
    }

    /// Hands the slot to the longest waiter, if any, else frees it.
    private func leave() {
        let next = state.withLock { state in
            if state.waiting.isEmpty {
                state.running -= 1
                return nil as CheckedContinuation<Void, Never>?
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}
