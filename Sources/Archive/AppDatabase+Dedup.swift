import Foundation
import GRDB

extension Generation {
    /// The team's (`?`) generation with the request key (`?`) that answers a repeat of its request.
    package static let deduplicationMatchSQL = """
        SELECT * FROM generations WHERE team_id = ? AND request_key = ? AND status NOT IN ('failed', 'cancelled')
        ORDER BY status = 'completed' DESC, seq DESC LIMIT 1
        """
}

extension GenerationEvent {
    package static let deduplicated = "an identical request was answered by this generation"

    /// What an annotation changed, for the history.
    package static func annotation(tags: [String]?, note: String??) -> String {
        [tags.map { "tags: \($0.joined(separator: ", "))" }, note.map { _ in "note changed" }]
            .compactMap { $0 }.joined(separator: "; ")
    }
}

extension AppDatabase {
    /// The team's generation that already answers this request: a completed one, else one still in flight.
    /// Failed and cancelled generations never match; neither does another team's.
    public func deduplicationMatch(teamID: String, requestKey: String) async throws -> Generation? {
        try await read { db in
            try Generation.fetchOne(
                db,
                sql: Generation.deduplicationMatchSQL,
                arguments: [teamID, requestKey])
        }
    }

    /// Notes that a request was answered by `id` instead of a new prediction.
    public func recordDeduplicationHit(id: String, now: Date) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE generations SET dedup_hits = dedup_hits + 1 WHERE id = ?", arguments: [id])
            try Self.appendEvent(db, id, "deduplicated", GenerationEvent.deduplicated, at: now)
        }
    }
}
