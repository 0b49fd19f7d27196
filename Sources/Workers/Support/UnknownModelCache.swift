import Foundation

/// Model slugs the provider said it does not know, remembered for a while: each unknown slug a team sends would
/// otherwise cost a provider call through the one rate gate every team shares.
final class UnknownModelCache: Sendable {
    private let reportedAt = BoundedCache<String, Date>(capacity: 10_000)
    let lifetime: TimeInterval

    init(lifetime: TimeInterval = 600) {
        self.lifetime = lifetime
    }

    /// True when `slug` was reported unknown less than `lifetime` ago.
    func contains(_ slug: String, now: Date) -> Bool {
        reportedAt[slug].map { now.timeIntervalSince($0) < lifetime } ?? false
    }

    func insert(_ slug: String, now: Date) { reportedAt.insert(now, for: slug) }
}
