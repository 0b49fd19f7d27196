/// `body` ran past its deadline (`withDeadline`).
public struct DeadlineExceeded: Error, CustomStringConvertible {
    public var limit: Duration
    public var description: String { "no answer within \(limit)" }
}

/// Runs `body`, cancelling it and throwing `DeadlineExceeded` when it has not finished within `limit`. Returns once
/// `body` has ended: work that ignores cancellation must bound its own waits.
public func withDeadline<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T)
    async throws -> T
{
    try await withThrowingTaskGroup(of: DeadlineRace<T>.self) { group in
        group.addTask { .finished(try await body()) }
        group.addTask {
            try await Task.sleep(for: limit)
            return .timedOut
        }
        defer { group.cancelAll() }
        guard case .finished(let value) = try await group.next() else { throw DeadlineExceeded(limit: limit) }
        return value
    }
}

private enum DeadlineRace<T: Sendable>: Sendable {
    case finished(T)
    case timedOut
}
