import Foundation
import VaultDomain

extension Generation {
    /// The team's (`?`) generation with the request key (`?`) that answers a repeat of its request.
    package static func deduplicationMatch(teamID: String?, requestKey: String?) -> SQLText {
        """
        SELECT * FROM generations WHERE team_id = \(teamID) AND request_key = \(requestKey)
        AND status NOT IN ('failed', 'cancelled')
        ORDER BY status = 'completed' DESC, seq DESC LIMIT 1
        """
    }
}

extension GenerationEvent {
    package static let deduplicated = "an identical request was answered by this generation"

    /// What an annotation changed, for the history.
    package static func annotation(tags: [String]?, note: String??, favourite: Bool? = nil) -> String {
        [
            tags.map { "tags: \($0.joined(separator: ", "))" }, note.map { _ in "note changed" },
            favourite.map { $0 ? "marked a favourite" : "no longer a favourite" },
        ]
        .compactMap { $0 }.joined(separator: "; ")
    }
}

extension SQLSession {
    fileprivate func countDeduplicationHit(id: String, now: Date) throws {
        try execute("UPDATE generations SET dedup_hits = dedup_hits + 1 WHERE id = \(id)")
        try appendEvent(id, "deduplicated", GenerationEvent.deduplicated, at: now)
    }
}

extension SQLArchive {
    /// The team's generation that already answers this request: a completed one, else one still in flight.
    /// Failed and cancelled generations never match; neither does another team's.
    public func deduplicationMatch(teamID: String, requestKey: String) async throws -> Generation? {
        try await reading { db in
            try db.fetchOne(Generation.self, Generation.deduplicationMatch(teamID: teamID, requestKey: requestKey))
        }
    }

    public func insertGeneration(
        _ generation: Generation, inputs: [GenerationInput], deduplicating: Bool, budget: SpendBudget?, now: Date
    ) async throws -> (generation: Generation, deduplicated: Bool) {
        try await writing { db in
            if deduplicating {
                try db.lock(request: "\(generation.teamID)/\(generation.requestKey)")
                let match = try db.fetchOne(
                    Generation.self,
                    Generation.deduplicationMatch(teamID: generation.teamID, requestKey: generation.requestKey))
                if let match {
                    try db.countDeduplicationHit(id: match.id, now: now)
                    return (match, true)
                }
            }
            if let budget { try Self.checkBudget(db, generation, budget) }  // an identical earlier one costs nothing
            return (try db.insertGeneration(generation, inputs: inputs), false)
        }
    }

    /// Notes that a request was answered by `id` instead of a new prediction.
    public func recordDeduplicationHit(id: String, now: Date) async throws {
        try await writing { db in try db.countDeduplicationHit(id: id, now: now) }
    }

    /// Replaces tags and/or the note of one of the team's generations; the search index follows (triggers).
    /// Returns the updated generation, or nil when the team has no such generation.
    public func annotateGeneration(
        id: String, teamID: String, tags: [String]?, note: String??, favourite: Bool?, now: Date
    ) async throws -> Generation? {
        let event = GenerationEvent.annotation(tags: tags, note: note, favourite: favourite)
        return try await annotate(id: id, teamID: teamID, now: now, event: event) {
            if let tags { $0.tags = tags }
            if let note { $0.note = note }
            if let favourite { $0.favourite = favourite }
        }
    }

    /// Adds and removes tags (compared case-insensitively) in one write, keeping the others and their order; throws
    /// `Annotations.Refusal` when the result would break the rule (too many tags), writing nothing.
    public func editTags(id: String, teamID: String, adding: [String], removing: [String], now: Date) async throws
        -> Generation?
    {
        try await annotate(id: id, teamID: teamID, now: now, event: nil) { generation in
            generation.tags = try Annotations.merged(generation.tags, adding: adding, removing: removing)
        }
    }

    /// Changes one of the team's generations in a transaction and notes it in the history (the new tags when
    /// `event` is nil).
    private func annotate(
        id: String, teamID: String, now: Date, event: String?, change: @escaping @Sendable (inout Generation) throws -> Void
    ) async throws -> Generation? {
        try await writing { db in
            guard var generation = try db.generation(id: id), generation.teamID == teamID else { return nil }
            try change(&generation)
            generation.updatedAt = now
            try db.update(generation, key: ["id"])
            let detail = event ?? GenerationEvent.annotation(tags: generation.tags, note: .none)
            try db.appendEvent(id, "annotated", detail, at: now)
            return generation
        }
    }
}
