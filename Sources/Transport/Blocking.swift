import Dispatch

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
