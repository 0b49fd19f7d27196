import Foundation

/// The one clock of the archive's use cases and workers: the time of day and the waits between attempts, injected
/// through `Vault` so tests can move time. (The provider's rate limiter paces by the monotonic clock instead: a
/// request rate is not a time of day.)
public protocol WallClock: Sendable {
    func now() -> Date
    func sleep(for duration: Duration) async throws
}

extension WallClock {
    public func sleep(for duration: Duration) async throws { try await Task.sleep(for: duration) }
}

public struct SystemClock: WallClock {
    public init() {}
    public func now() -> Date { Date() }
}
