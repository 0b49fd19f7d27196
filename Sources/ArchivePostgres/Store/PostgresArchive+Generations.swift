import Archive
import Foundation
import VaultContract

extension PostgresArchive: GenerationStore {
    /// Records a new generation durably (with its media inputs and first history event) before anything is sent to
    /// the provider.
    public func insertGeneration(_ generation: Generation, inputs: [GenerationInput]) async throws -> Generation {
        try await transaction { sql in
            var generation = generation
            generation.seq = try await sql.insert(generation, "RETURNING seq")?["seq"]
            for input in inputs { try await sql.insert(input) }
            try await sql.appendEvent(generation.id, "created", "model \(generation.model)", at: generation.createdAt)
            return generation
        }
    }

    public func generation(id: String) async throws -> Generation? {
        try await sql.fetchOne(Generation.self, "SELECT * FROM generations WHERE id = ?", [id])
    }

    /// The generation with its outputs, inputs, files and newest history, or nil. With `teamID`, only that team's.
    public func generationDetail(id: String, teamID: String?) async throws -> GenerationDetail? {
        guard let generation = try await generation(id: id), teamID == nil || generation.teamID == teamID else {
            return nil
        }
        let (outputs, inputs, assets) = try await files(of: [id])
        let events = try await sql.fetchAll(
            GenerationEvent.self,
            "SELECT * FROM (SELECT * FROM generation_events WHERE generation_id = ? ORDER BY id DESC LIMIT ?) e ORDER BY id",
            [id, AppDatabase.maxEvents])
        return GenerationDetail.assemble(
            [generation], outputs: outputs, inputs: inputs, assets: assets, events: events)[0]
    }

    /// A page's generations with their outputs and inputs (no history), in three queries for the whole page.
    public func generationDetails(_ generations: [Generation]) async throws -> [GenerationDetail] {
        let (outputs, inputs, assets) = try await files(of: generations.map(\.id))
        return GenerationDetail.assemble(generations, outputs: outputs, inputs: inputs, assets: assets)
    }

    private func files(of ids: [String]) async throws
        -> (outputs: [GenerationOutput], inputs: [GenerationInput], assets: [Asset])
    {
        guard !ids.isEmpty else { return ([], [], []) }
        let marks = PostgresSQL.marks(ids.count)
        let outputs = try await sql.fetchAll(
            GenerationOutput.self,
            "SELECT * FROM generation_outputs WHERE generation_id IN (\(marks)) ORDER BY generation_id, position", ids)
        let inputs = try await sql.fetchAll(
            GenerationInput.self,
            "SELECT * FROM generation_inputs WHERE generation_id IN (\(marks)) ORDER BY generation_id, field, position",
            ids)
        let digests = Array(GenerationDetail.digests(outputs, inputs))
        let assets =
            digests.isEmpty
            ? []
            : try await sql.fetchAll(
                Asset.self, "SELECT * FROM assets WHERE sha256 IN (\(PostgresSQL.marks(digests.count)))", digests)
        return (outputs, inputs, assets)
    }

    /// Deletes one of the team's generations; its prediction keeps a tombstone, so no other team can import it.
    public func deleteGeneration(id: String, teamID: String, now: Date) async throws -> Bool {
        try await transaction { sql in
            try await sql.execute(
                """
                INSERT INTO deleted_predictions (prediction_id, team_id, deleted_at)
                SELECT prediction_id, team_id, ? FROM generations
                WHERE id = ? AND team_id = ? AND prediction_id IS NOT NULL
                ON CONFLICT (prediction_id) DO UPDATE SET team_id = excluded.team_id, deleted_at = excluded.deleted_at
                """, [now.unix, id, teamID])
            return try await sql.value(
                String.self, "DELETE FROM generations WHERE id = ? AND team_id = ? RETURNING id", [id, teamID]) != nil
        }
    }

    public func latestGeneration(holding sha256: String, teamID: String) async throws -> Generation? {
        try await sql.fetchOne(Generation.self, Generation.latestHoldingSQL, [teamID, sha256, sha256])
    }

    public func deduplicationMatch(teamID: String, requestKey: String) async throws -> Generation? {
        try await sql.fetchOne(Generation.self, Generation.deduplicationMatchSQL, [teamID, requestKey])
    }

    public func recordDeduplicationHit(id: String, now: Date) async throws {
        try await transaction { sql in
            try await sql.execute("UPDATE generations SET dedup_hits = dedup_hits + 1 WHERE id = ?", [id])
            try await sql.appendEvent(id, "deduplicated", GenerationEvent.deduplicated, at: now)
        }
    }

    /// Replaces tags and/or the note of one of the team's generations; the search vector follows (a trigger).
    public func annotateGeneration(id: String, teamID: String, tags: [String]?, note: String??, now: Date) async throws
        -> Generation?
    {
        try await transaction { sql -> Generation? in
            guard
                var generation = try await sql.fetchOne(
                    Generation.self, "SELECT * FROM generations WHERE id = ? AND team_id = ? FOR UPDATE", [id, teamID])
            else { return nil }
            if let tags { generation.tags = tags }
            if let note { generation.note = note }
            generation.updatedAt = now
            try await sql.update(generation, key: ["id"])
            try await sql.appendEvent(id, "annotated", GenerationEvent.annotation(tags: tags, note: note), at: now)
            return generation
        }
    }

    /// Count of generations per status.
    public func statusCounts() async throws -> [GenerationStatus: Int] {
        var counts: [GenerationStatus: Int] = [:]
        for row in try await sql.rows("SELECT status, count(*) AS n FROM generations GROUP BY status") {
            if let status = GenerationStatus(rawValue: row["status"]) { counts[status] = row["n"] }
        }
        return counts
    }
}

extension PostgresSQL {
    func appendEvent(_ generationID: String, _ kind: String, _ detail: String?, at: Date) async throws {
        try await insert(GenerationEvent(generationID: generationID, at: at, kind: kind, detail: detail))
    }
}
