import Synchronization

/// At most `limit` of one kind of work (uploads, file streams) per team at a time: one team's many slow clients
/// cannot hold every connection, file and temp file while the others wait. Taken without waiting: a team over its
/// limit is answered 429.
final class TeamSlots: Sendable {
    let limit: Int
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

    /// A slot for `team` held as long as the returned lease lives (a response body that keeps it until written or
    /// dropped), or nil when the team already holds `limit`.
    func lease(_ team: String) -> Lease? {
        take(team) ? Lease { self.give(team) } : nil
    }

    /// Gives its slot back when it ends.
    final class Lease: Sendable {
        private let giveBack: @Sendable () -> Void
        fileprivate init(_ giveBack: @escaping @Sendable () -> Void) { self.giveBack = giveBack }
        deinit { giveBack() }
    }
}
