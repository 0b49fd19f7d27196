import Foundation
import Synchronization

/// Model slugs the provider said it does not know, remembered for a while: each unknown slug a team sends would
/// otherwise cost a provider call through the one rate gate every team shares. Bounded: when full, it starts over.
final class UnknownModelCache: Sendable {
    private let entries = Mutex<[String: Date]>([:])
    let lifetime: TimeInterval
    let capacity: Int

    init(lifetime: TimeInterval = 600, capacity: Int = 10_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// True when `slug` was reported unknown less than `lifetime` ago.
    func contains(_ slug: String, now: Date) -> Bool {
        entries.withLock { $0[slug].map { now.timeIntervalSince($0) < lifetime } ?? false }
    }

    func insert(_ slug: String, now: Date) {
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[slug] = now
        }
    }
}
