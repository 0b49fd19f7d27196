import Foundation
import VaultDomain

/// A generation with its outputs (and their stored assets) and history.
public struct GenerationDetail: Sendable, Hashable {
    public var generation: Generation
    public var outputs: [StoredOutput]
    /// Media inputs (lineage), stored or still to be stored.
    public var inputs: [StoredInput]
    public var events: [GenerationEvent]
}

extension GenerationDetail {
    /// The files outputs and inputs name, each once.
    package static func digests(_ outputs: [GenerationOutput], _ inputs: [GenerationInput]) -> Set<String> {
        Set(outputs.compactMap(\.sha256) + inputs.compactMap(\.sha256))
    }

    /// Generations with their outputs and inputs (each in the order read) and the assets holding their bytes, as a
    /// store reads them in a few queries for a whole page; `events` are the history of a single generation.
    package static func assemble(
        _ generations: [Generation], outputs: [GenerationOutput], inputs: [GenerationInput], assets: [Asset],
        events: [GenerationEvent] = []
    ) -> [GenerationDetail] {
        let bySHA = Dictionary(assets.map { ($0.sha256, $0) }, uniquingKeysWith: { first, _ in first })
        let outputsOf = Dictionary(grouping: outputs, by: \.generationID)
        let inputsOf = Dictionary(grouping: inputs, by: \.generationID)
        return generations.map { generation in
            GenerationDetail(
                generation: generation,
                outputs: (outputsOf[generation.id] ?? []).map {
                    StoredOutput(output: $0, asset: $0.sha256.flatMap { bySHA[$0] })
                },
                inputs: (inputsOf[generation.id] ?? []).map {
                    StoredInput(input: $0, asset: $0.sha256.flatMap { bySHA[$0] })
                },
                events: events)
        }
    }
}

/// One output of a generation and, once downloaded, the asset holding its bytes.
public struct StoredOutput: Sendable, Hashable {
    public var output: GenerationOutput
    public var asset: Asset?
}

extension SQLArchive {
    /// Records a new generation durably (with its media inputs and first history event) before anything is sent to
    /// the provider.
    public func insertGeneration(_ generation: Generation, inputs: [GenerationInput]) async throws -> Generation {
        try await writing { db in try db.insertGeneration(generation, inputs: inputs) }
    }

    public func generation(id: String) async throws -> Generation? {
        try await reading { db in try db.generation(id: id) }
    }

    /// The generation with its outputs, assets and history, or nil. With `teamID`, only that team's: another
    /// team's generation is as absent as a missing one.
    public func generationDetail(id: String, teamID: String?) async throws -> GenerationDetail? {
        try await reading { db in
            guard let generation = try db.generation(id: id), teamID == nil || generation.teamID == teamID else {
                return nil
            }
            return try db.detail(of: generation)
        }
    }

    /// Deletes one of the team's generations with its outputs, history and share links; its prediction keeps a
    /// tombstone, so no other team can import it later. The blobs stay until `collectGarbage` finds no generation of
    /// any team referencing them. Returns false when there was none.
    public func deleteGeneration(id: String, teamID: String, now: Date) async throws -> Bool {
        try await writing { db in
            try db.execute(
                """
                INSERT INTO deleted_predictions (prediction_id, team_id, deleted_at)
                SELECT prediction_id, team_id, \(now.unix) FROM generations
                WHERE id = \(id) AND team_id = \(teamID) AND prediction_id IS NOT NULL
                ON CONFLICT (prediction_id) DO UPDATE SET team_id = excluded.team_id, deleted_at = excluded.deleted_at
                """)
            try db.execute(
                """
                INSERT INTO spend_of_deleted (generation_id, team_id, created_at, usd)
                SELECT id, team_id, created_at, \(raw: Self.committedUSD) FROM generations
                WHERE id = \(id) AND team_id = \(teamID) AND \(raw: Self.committedUSD) > 0
                ON CONFLICT (generation_id) DO NOTHING
                """)
            try db.execute("DELETE FROM generations WHERE id = \(id) AND team_id = \(teamID)")
            return db.changedRows == 1
        }
    }

    /// A page's generations with their outputs and inputs (no history: pages do not show it), in three queries
    /// for the whole page rather than five per generation.
    public func remakes(of id: String, teamID: String) async throws -> [Generation] {
        try await reading { db in
            try db.fetchAll(
                Generation.self,
                "SELECT * FROM generations WHERE made_from = \(id) AND team_id = \(teamID) ORDER BY created_at DESC LIMIT 50")
        }
    }

    /// The team's newest generation holding these bytes as output or input (ownership, and a download's file name).
    public func latestGeneration(holding sha256: String, teamID: String) async throws -> Generation? {
        try await reading { db in
            try db.fetchOne(
                Generation.self,
                """
                SELECT g.* FROM generations g WHERE g.team_id = \(teamID) AND (
                    g.id IN (SELECT generation_id FROM generation_outputs WHERE sha256 = \(sha256))
                    OR g.id IN (SELECT generation_id FROM generation_inputs WHERE sha256 = \(sha256)))
                ORDER BY g.seq DESC LIMIT 1
                """)
        }
    }

    public func generationDetails(_ generations: [Generation]) async throws -> [GenerationDetail] {
        try await reading { db in try db.details(generations) }
    }

    /// Count of generations per status.
    public func statusCounts() async throws -> [GenerationStatus: Int] {
        try await reading { db in
            var counts: [GenerationStatus: Int] = [:]
            for row in try db.rows("SELECT status, count(*) AS n FROM generations GROUP BY status") {
                if let status = GenerationStatus(rawValue: try row["status"]) { counts[status] = try row["n"] }
            }
            return counts
        }
    }

    /// Ends a generation as failed (for causes found outside a worker's own transaction).
    public func failGeneration(id: String, code: String, message: String, now: Date) async throws {
        try await writing { db in try db.fail(id, code: code, message: message, at: now) }
    }
}

extension GenerationDetail {
    /// The most history events a generation's detail carries.
    public static let maxEvents = 200
}

extension SQLSession {
    package func generation(id: String) throws -> Generation? {
        try fetchOne(Generation.self, "SELECT * FROM generations WHERE id = \(id)")
    }

    /// Generations with their outputs, inputs and files (no history), in the order given.
    package func details(_ generations: [Generation]) throws -> [GenerationDetail] {
        guard !generations.isEmpty else { return [] }
        let ids = generations.map(\.id)
        let outputs = try fetchAll(
            GenerationOutput.self,
            "SELECT * FROM generation_outputs WHERE generation_id IN (\(list: ids)) ORDER BY generation_id, position")
        let inputs = try fetchAll(
            GenerationInput.self,
            "SELECT * FROM generation_inputs WHERE generation_id IN (\(list: ids)) ORDER BY generation_id, field, position")
        return GenerationDetail.assemble(
            generations, outputs: outputs, inputs: inputs, assets: try assets(GenerationDetail.digests(outputs, inputs)))
    }

    /// The generation with its outputs, inputs, files and newest `maxEvents` history events (oldest first: a
    /// history never grows a page unbounded).
    package func detail(of generation: Generation) throws -> GenerationDetail {
        var detail = try details([generation])[0]
        detail.events = try fetchAll(
            GenerationEvent.self,
            """
            SELECT * FROM (
                SELECT * FROM generation_events WHERE generation_id = \(generation.id)
                ORDER BY id DESC LIMIT \(GenerationDetail.maxEvents)) AS newest
            ORDER BY id
            """)
        return detail
    }

    /// The assets with these digests.
    package func assets(_ digests: Set<String>) throws -> [Asset] {
        guard !digests.isEmpty else { return [] }
        return try fetchAll(Asset.self, "SELECT * FROM assets WHERE sha256 IN (\(list: Array(digests)))")
    }

    /// Ends a generation as failed, keeping the cause (`GenerationLife.failed`).
    package func fail(_ id: String, code: String, message: String, at now: Date) throws {
        _ = try advance(id, at: now) { GenerationLife.failed(code: code, message: message, $0, at: now) }
    }
}

extension SQLSession {
    /// A new generation with its media inputs and its first history event; with its `seq`.
    package func insertGeneration(_ generation: Generation, inputs: [GenerationInput]) throws -> Generation {
        var generation = generation
        generation.seq = try insert(generation, "RETURNING seq")?["seq"]
        for input in inputs { try insert(input) }
        try appendEvent(generation.id, "created", "model \(generation.model)", at: generation.createdAt)
        return generation
    }
}
