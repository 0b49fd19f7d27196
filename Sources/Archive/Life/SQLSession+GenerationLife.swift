import Foundation
import GRDB

extension SQLSession {
    /// Writes a step of a generation's life (`GenerationLife`): the columns that changed from `before`, the outputs
    /// to fetch, the history and the team's event. The caller read `before` under the generation's lock
    /// (`lock(generation:)`), so nothing changed it in between.
    package func persist(_ step: GenerationLife.Step, from before: Generation, at now: Date) throws {
        let old = try before.databaseDictionary
        let changed = try step.generation.databaseDictionary.filter { old[$0.key] != $0.value }.sorted { $0.key < $1.key }
        if !changed.isEmpty {
            try execute(
                "UPDATE generations SET " + changed.map { "\"\($0.key)\" = ?" }.joined(separator: ", ") + " WHERE id = ?",
                changed.map { $0.value as (any DatabaseValueConvertible)? } + [before.id])
        }
        for (position, url) in step.outputsToFetch.enumerated() {
            try execute(
                """
                INSERT INTO generation_outputs (generation_id, team_id, position, source_url, next_attempt_at)
                VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                """, [before.id, before.teamID, position, url, now.unix])
        }
        for line in step.history { try appendEvent(before.id, line.kind, line.detail, at: now) }
        if let announcement = step.announcement {
            try announce(announcement.type, generationID: before.id, data: announcement.data, at: now)
        }
    }

    /// The generation `id` read under its lock, moved on by `transition` and written: false when there is no such
    /// generation or the transition does not apply to it.
    package func advance(_ id: String, at now: Date, _ transition: (Generation) -> GenerationLife.Step?) throws -> Bool {
        try lock(generation: id)
        guard let generation = try generation(id: id), let step = transition(generation) else { return false }
        try persist(step, from: generation, at: now)
        return true
    }
}
