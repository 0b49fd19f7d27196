import Synchronization

/// At most `limit` of one kind of work (uploads) per team at a time: one team's many slow clients cannot hold every
/// connection and temp file while the others wait. Taken without waiting: a team over its limit is answered 429.
final class TeamSlots: Sendable {
    private let limit: Int
    private let taken = Mutex<[String: Int]>([:])

    init(limit: Int) { self.limit = limit }

    /// Takes a slot for `team`; false when it already holds `limit`.
    func take(_ team: String) -> Bool {
        taken.withLock { taken in
            guard taken[team, default: 0] < limit else { return false }
            taken[team, default: 0] += 1
            return true
        }
    }

    func give(_ team: String) {
        taken.withLock { taken in
            let left = taken[team, default: 1] - 1
            taken[team] = left > 0 ? left : nil
        }
    }
}
