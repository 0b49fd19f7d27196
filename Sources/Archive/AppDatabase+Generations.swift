import Foundation
import GRDB
import VaultContract

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

extension AppDatabase {
    /// Records a new generation durably (with its media inputs and first history event) before anything is sent to
    /// the provider.
    public func insertGeneration(_ generation: Generation, inputs: [GenerationInput]) async throws -> Generation {
        try await write { db in
            var generation = generation
            try generation.insert(db)
            generation.seq = db.lastInsertedRowID
            for input in inputs { try input.insert(db) }
            try Self.appendEvent(db, generation.id, "created", "model \(generation.model)", at: generation.createdAt)
            return generation
        }
    }

    public func generation(id: String) async throws -> Generation? {
        try await read { db in try Generation.find(db, id: id) }
    }

    /// The generation with its outputs, assets and history, or nil. With `teamID`, only that team's: another
    /// team's generation is as absent as a missing one.
    public func generationDetail(id: String, teamID: String?) async throws -> GenerationDetail? {
        try await read { db in
            guard let generation = try Generation.find(db, id: id),
                teamID == nil || generation.teamID == teamID
            else { return nil }
            return try Self.detail(db, generation)
        }
    }

    /// Deletes one of the team's generations with its outputs, history and share links. The blobs stay until
    /// `collectGarbage` finds no generation of any team referencing them. Returns false when there was none.
    /// Deletes one of the team's generations. Its prediction keeps a tombstone, so no other team can import it later.
    public func deleteGeneration(id: String, teamID: String, now: Date) async throws -> Bool {
        try await write { db in
            try db.run(
                sql: """
                    INSERT OR REPLACE INTO deleted_predictions (prediction_id, team_id, deleted_at)
                    SELECT prediction_id, team_id, ? FROM generations
                    WHERE id = ? AND team_id = ? AND prediction_id IS NOT NULL
                    """,
                arguments: [now.unix, id, teamID])
            try db.run(sql: "DELETE FROM generations WHERE id = ? AND team_id = ?", arguments: [id, teamID])
            return db.changesCount == 1
        }
    }

    /// Details for many generations at once (search results), in the order given.
    /// A page's generations with their outputs and inputs (no history: pages do not show it), in three queries
    /// for the whole page rather than five per generation.
    public func generationDetails(_ generations: [Generation]) async throws -> [GenerationDetail] {
        try await read { db in try Self.generationDetails(db, generations) }
    }

    static func generationDetails(_ db: Database, _ generations: [Generation]) throws -> [GenerationDetail] {
        let ids = generations.map(\.id)
        let outputs = try GenerationOutput.filter(ids.contains(GenerationOutput.Columns.generationID))
            .order(GenerationOutput.Columns.generationID, GenerationOutput.Columns.position).fetchAll(db)
        let inputs = try GenerationInput.filter(ids.contains(GenerationInput.Columns.generationID))
            .order(GenerationInput.Columns.generationID, GenerationInput.Columns.field, GenerationInput.Columns.position)
            .fetchAll(db)
        let assets = try Asset.fetchAll(db, keys: GenerationDetail.digests(outputs, inputs))
        return GenerationDetail.assemble(generations, outputs: outputs, inputs: inputs, assets: assets)
    }

    /// The most history events a generation's detail carries.
    public static let maxEvents = 200

    static func detail(_ db: Database, _ generation: Generation) throws -> GenerationDetail {
        let outputs =
            try GenerationOutput
            .filter(GenerationOutput.Columns.generationID == generation.id)
            .order(GenerationOutput.Columns.position)
            .fetchAll(db)
        let inputs =
            try GenerationInput
            .filter(GenerationInput.Columns.generationID == generation.id)
            .order(GenerationInput.Columns.field, GenerationInput.Columns.position)
            .fetchAll(db)
        let assets = try Asset.fetchAll(db, keys: GenerationDetail.digests(outputs, inputs))
        let events =
            try GenerationEvent  // the newest `maxEvents`, oldest first: a history never grows a page unbounded
            .filter(GenerationEvent.Columns.generationID == generation.id)
            .order(GenerationEvent.Columns.id.desc)
            .limit(maxEvents)
            .fetchAll(db)
            .reversed()
        return GenerationDetail.assemble(
            [generation], outputs: outputs, inputs: inputs, assets: assets, events: Array(events))[0]
    }

    /// Count of generations per status.
    public func statusCounts() async throws -> [GenerationStatus: Int] {
        try await read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT status, count(*) AS n FROM generations GROUP BY status")
            var counts: [GenerationStatus: Int] = [:]
            for row in rows {
                if let status = GenerationStatus(rawValue: row["status"]) { counts[status] = row["n"] }
            }
            return counts
        }
    }

    // MARK: - Shared by the feature files

    static func appendEvent(_ db: Database, _ generationID: String, _ kind: String, _ detail: String?, at: Date)
        throws
    {
        try GenerationEvent(generationID: generationID, at: at, kind: kind, detail: detail).insert(db)
    }

    /// Ends a generation as failed, keeping the cause.
    static func fail(_ db: Database, _ id: String, code: String, message: String, at now: Date) throws {
        try db.run(
            sql: """
                UPDATE generations
                SET status = 'failed', error_code = ?, error_message = ?, completed_at = ?, updated_at = ?,
                    next_action_at = NULL, submit_started_at = NULL
                WHERE id = ? AND status NOT IN ('completed', 'failed', 'cancelled')
                """,
            arguments: [code, message, now.unix, now.unix, id])
        let ended = db.changesCount > 0
        try appendEvent(db, id, "failed", "\(code): \(message)", at: now)
        if ended { try announce(db, .generationFailed, generationID: id, data: ["status": "failed", "error_code": code], at: now) }
    }

    /// Ends a generation as failed (for causes found outside a worker's own transaction).
    public func failGeneration(id: String, code: String, message: String, now: Date) async throws {
        try await write { db in try Self.fail(db, id, code: code, message: message, at: now) }
    }
}

extension Database {
    /// Runs one statement through the connection's statement cache: prepared (and checked by GRDB's authorizer)
    /// once per connection rather than on every call. The workers and the webhook path run the same few statements
    /// thousands of times a second; compiling them each time was 5 % of the CPU under first deliveries.
    func run(sql: String, arguments: StatementArguments = []) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }
}
