extension Duration {
    /// `seconds` as a duration within `0...limit`; NaN counts as zero. For times that come from outside (a
    /// `Retry-After` header, the provider's reported run times): converting those straight to integers traps.
    public static func seconds(clamping seconds: Double, limit: Double) -> Duration {
        guard seconds.isFinite else { return seconds == .infinity ? .milliseconds(Int64(limit * 1000)) : .zero }
        return .milliseconds(Int64(min(max(seconds, 0), limit) * 1000))
    }
}
