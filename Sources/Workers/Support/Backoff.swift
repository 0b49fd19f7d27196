import Foundation

/// Exponential backoff with jitter: attempt n waits between half and all of `min(cap, base × factorⁿ)`, so
/// retries of many clients spread out instead of arriving together.
public struct Backoff: Sendable, Hashable {
    public var base: Duration
    public var factor: Double
    public var cap: Duration

    public init(base: Duration, factor: Double = 2, cap: Duration) {
        self.base = base
        self.factor = factor
        self.cap = cap
    }

    /// The wait before retry number `attempt` (0 for the first retry).
    public func delay(attempt: Int, jitter: Double = Double.random(in: 0...1)) -> Duration {
        let growth = pow(factor, Double(min(attempt, 30)))
        let ceiling = min(cap.seconds, base.seconds * growth)
        return .seconds(ceiling * (0.5 + 0.5 * jitter))
    }
}

extension Duration {
    /// The duration in (fractional) seconds.
    public var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
