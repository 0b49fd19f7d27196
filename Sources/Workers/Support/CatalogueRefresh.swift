import Foundation

/// The slugs of the provider's synced model catalogue, and the one refresh of it that may run: a slug a team sends
/// that the catalogue lacks is answered from these (404 with the nearest slugs) and asks for a refresh in the
/// background, which starts at most once a minute however many requests ask; no request ever pays a provider call
/// for a slug once a catalogue is known (until then a model is read by itself, and a failed catalogue read is tried
/// again every few seconds).
actor CatalogueRefresh {
    /// Nil until a sync succeeded.
    private(set) var slugs: Set<String>?
    private var running: Task<Void, Never>?
    private var lastStart: Date?
    let minimumInterval: TimeInterval

    init(minimumInterval: TimeInterval = 60) {
        self.minimumInterval = minimumInterval
    }

    /// Starts `sync` unless it ran less than `minimumInterval` ago; the refresh running, if any, to wait for.
    @discardableResult
    func refresh(now: Date, _ sync: @escaping @Sendable () async -> Set<String>?) -> Task<Void, Never>? {
        if let running { return running }
        // Until a catalogue is known every request needs one: a failed read is tried again after a few seconds.
        let interval = slugs == nil ? min(5, minimumInterval) : minimumInterval
        if let lastStart, now.timeIntervalSince(lastStart) < interval { return nil }
        lastStart = now
        let task = Task { await self.finish(await sync()) }
        running = task
        return task
    }

    private func finish(_ result: Set<String>?) {
        if let result, !result.isEmpty { slugs = result }
        running = nil
    }
}

/// The catalogue's slugs nearest to a mistyped one, for "did you mean".
enum ModelSuggestions {
    /// Up to `limit` slugs, nearest first: those containing the typed slug (or contained in it), then those within
    /// an edit distance of a third of its length (at least 2). Slugs are compared in lower case, at most 128 bytes.
    static func nearest(_ typed: String, among slugs: Set<String>, limit: Int = 3) -> [String] {
        let target = Array(typed.lowercased().utf8.prefix(128))
        guard !target.isEmpty else { return [] }
        let bound = max(2, target.count / 3)
        var scored: [(distance: Int, slug: String)] = []
        for slug in slugs {
            let candidate = Array(slug.lowercased().utf8.prefix(128))
            if candidate.count >= 4 && target.count >= 4
                && (candidate.holds(run: target) || target.holds(run: candidate))
            {
                scored.append((0, slug))
            } else if abs(candidate.count - target.count) <= bound,
                let distance = editDistance(target, candidate, atMost: bound)
            {
                scored.append((distance, slug))
            }
        }
        return scored.sorted { ($0.distance, $0.slug) < ($1.distance, $1.slug) }.prefix(limit).map(\.slug)
    }

    /// Levenshtein distance, or nil once every path exceeds `bound` (rows stop early).
    static func editDistance(_ a: [UInt8], _ b: [UInt8], atMost bound: Int) -> Int? {
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for (i, x) in a.enumerated() {
            current[0] = i + 1
            var best = current[0]
            for (j, y) in b.enumerated() {
                current[j + 1] = Swift.min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1))
                best = Swift.min(best, current[j + 1])
            }
            if best > bound { return nil }
            swap(&previous, &current)
        }
        return previous[b.count] <= bound ? previous[b.count] : nil
    }
}

extension Array where Element == UInt8 {
    /// Whether `other` occurs in this array as a contiguous run.
    fileprivate func holds(run other: [UInt8]) -> Bool {
        guard other.count <= count else { return false }
        return (0...(count - other.count)).contains { start in self[start..<(start + other.count)].elementsEqual(other) }
    }
}
