import Foundation

extension SQLSession {
    /// Writes a step of a generation's life (`GenerationLife`): the columns that changed from `before`, the outputs
    /// to fetch, the history and the team's event. The caller read `before` under the generation's lock
    /// (`lock(generation:)`), so nothing changed it in between.
    package func persist(_ step: GenerationLife.Step, from before: Generation, at now: Date) throws {
        let old = try before.columnValues()
        let new = try step.generation.columnValues()
        let changed = zip(old, new).filter { $0.value != $1.value }.map(\.1)
        try update(Generation.tableName, changed, key: [("id", .text(before.id))])
        for (position, url) in step.outputsToFetch.enumerated() {
            try execute(
                """
                INSERT INTO generation_outputs (generation_id, team_id, position, source_url, next_attempt_at)
                VALUES (\(before.id), \(before.teamID), \(position), \(url), \(now.unix)) ON CONFLICT DO NOTHING
                """)
        }
        for line in step.history { try appendEvent(before.id, line.kind, line.detail, at: now) }
        if let announcement = step.announcement {
            try announce(announcement.type, generationID: before.id, data: announcement.data, at: now)
        }
    }

    /// The generation `id` read under its lock, moved on by `transition` and written: false when there is no such
    /// generation or the transition does not apply to it.
    package func advance(_ id: String, at now: Date, _ transition: (Generation) -> GenerationLife.Step?) throws -> Bool {
        guard let generation = try lockedGeneration(id: id), let step = transition(generation) else { return false }
        try persist(step, from: generation, at: now)
        return true
    }
}
