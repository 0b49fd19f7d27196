import Foundation
import GRDB

/// One media input of a generation and, once downloaded, the asset holding its bytes.
public struct StoredInput: Sendable, Hashable {
    public var input: GenerationInput
    public var asset: Asset?
}

extension AppDatabase {
    /// An input of a generation the provider accepted (as `i` joined with its generation `g`).
    static let acceptedInput = "g.prediction_id IS NOT NULL"

    /// Media inputs still to be stored whose next attempt is due.
    /// Only inputs of generations the provider accepted are fetched (a refused request's URLs are never
    /// visited), and teams take turns: each team's oldest due input comes before any team's second, so one team's
    /// thousands of inputs cannot hold the two input workers for everyone.
    public func dueInputDownloads(now: Date, limit: Int) throws -> [GenerationInput] {
        try writer.read { db in
            try GenerationInput.fetchAll(
                db,
                sql: takingTurns(
                    rows: "i.*", from: "generation_inputs i JOIN generations g ON g.id = i.generation_id",
                    team: "g.team_id", dueAt: "i.next_attempt_at", where: Self.acceptedInput),
                arguments: [now.unix, limit])
        }
    }

    /// When the next input download is due, or nil when none is waiting.
    public func nextInputDownloadTime() throws -> Date? {
        try writer.read { db in
            try Date.fetchOne(
                db,
                sql: """
                    SELECT min(i.next_attempt_at) FROM generation_inputs i JOIN generations g ON g.id = i.generation_id
                    WHERE \(Self.acceptedInput)
                    """)
        }
    }

    /// Links a stored blob to the input. `storeFile` moves the bytes into the blob store inside the write
    /// transaction (see `collectGarbage`).
    public func recordInputDownloaded(
        _ input: GenerationInput, asset: Asset, now: Date,
        storeFile: () throws -> Void = {}
    ) throws {
        try writer.write { db in
            try storeFile()
            try asset.insert(db, onConflict: .ignore)
            try db.execute(
                sql: """
                    UPDATE generation_inputs SET sha256 = ?, attempts = attempts + 1, last_error = NULL,
                        next_attempt_at = NULL
                    WHERE generation_id = ? AND field = ? AND position = ?
                    """,
                arguments: [asset.sha256, input.generationID, input.field, input.position])
            try Self.appendEvent(
                db, input.generationID, "input_stored",
                "\(input.field)#\(input.position): \(asset.size) bytes, sha256 \(asset.sha256)",
                at: now)
        }
    }

    /// A failed input download: tried again at `retryAt`, or given up (the generation itself is unaffected).
    public func recordInputDownloadFailure(_ input: GenerationInput, cause: String, retryAt: Date?, now: Date) throws {
        try writer.write { db in
            try db.execute(
                sql: """
                    UPDATE generation_inputs SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?
                    WHERE generation_id = ? AND field = ? AND position = ?
                    """,
                arguments: [cause, retryAt?.unix, input.generationID, input.field, input.position])
            try Self.appendEvent(
                db, input.generationID, retryAt == nil ? "input_lost" : "input_download_failed",
                "\(input.field)#\(input.position), attempt \(input.attempts + 1): \(cause)", at: now)
        }
    }

    static func storedInputs(_ db: Database, generationID: String) throws -> [StoredInput] {
        let inputs =
            try GenerationInput
            .filter(GenerationInput.Columns.generationID == generationID)
            .order(GenerationInput.Columns.field, GenerationInput.Columns.position)
            .fetchAll(db)
        let assets = try Asset.fetchAll(db, keys: inputs.compactMap(\.sha256))
        let bySHA = Dictionary(assets.map { ($0.sha256, $0) }, uniquingKeysWith: { first, _ in first })
        return inputs.map { StoredInput(input: $0, asset: $0.sha256.flatMap { bySHA[$0] }) }
    }
}

extension AppDatabase {
    /// A file the provider already holds, reusable as an input until `reuseUntil`.
    public func reusableUpload(sha256: String, now: Date) throws -> ProviderUpload? {
        try writer.read { db in
            try ProviderUpload.filter(ProviderUpload.Columns.sha256 == sha256 && ProviderUpload.Columns.reuseUntil > now.unix).fetchOne(db)
        }
    }

    /// Stores a local file's asset row (the bytes committed by `storeFile` in the same transaction); with `teamID`,
    /// the file joins that team's uploads (usable as `sha256:<hex>` in its requests).
    public func recordLocalFile(_ asset: Asset, teamID: String? = nil, now: Date, storeFile: () throws -> Void) throws {
        try writer.write { db in
            try storeFile()
            try asset.insert(db, onConflict: .ignore)
            if let teamID {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO team_files (team_id, sha256, uploaded_at) VALUES (?, ?, ?)",
                    arguments: [teamID, asset.sha256, now.unix])
            }
        }
    }

    public func recordUpload(_ upload: ProviderUpload) throws {
        try writer.write { db in try upload.upsert(db) }
    }
}
