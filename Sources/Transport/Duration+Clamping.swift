import Dispatch

extension Duration {
    /// `seconds` as a duration within `0...limit`; NaN counts as zero. For times that come from outside (a
    /// `Retry-After` header, the provider's reported run times): converting those straight to integers traps.
    public static func seconds(clamping seconds: Double, limit: Double) -> Duration {
        guard seconds.isFinite else { return seconds == .infinity ? .milliseconds(Int64(limit * 1000)) : .zero }
        return .milliseconds(Int64(min(max(seconds, 0), limit) * 1000))
    }

    /// Whole nanoseconds, within `0...Int64.max` nanoseconds (292 years), for Dispatch's timeouts.
    public var nanosecondInterval: DispatchTimeInterval {
        let seconds = min(max(components.seconds, 0), 9_000_000_000)
        return .nanoseconds(Int(seconds * 1_000_000_000 + max(components.attoseconds, 0) / 1_000_000_000))
    }
}
