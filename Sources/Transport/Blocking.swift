import Dispatch

/// Work that blocks its thread (SQLite calls waiting for a query or a lock, file system walks) runs here, on
/// Dispatch's threads, while the caller suspends: Swift's cooperative pool has one thread per core (two on a
/// two-core host), and a blocked one stalls every task behind it.
public enum Blocking {
    private static let queue = DispatchQueue(label: "eachvault.blocking", qos: .userInitiated, attributes: .concurrent)

    public static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }
}
