import Foundation
import GRDB
import VaultContract

extension AppDatabase {
    /// An output still to be stored, of a generation that is downloading (as `o` joined with its generation `g`).
    static let pendingOutput = "o.sha256 IS NULL AND g.status = \(GenerationStatus.downloading.sqlLiteral)"

    /// Outputs still to be stored whose next attempt is due, teams taking turns (each team's oldest before any
    /// team's second), so one team's backlog cannot hold every download worker.
    public func dueDownloads(now: Date, limit: Int) throws -> [GenerationOutput] {
        try writer.read { db in
            try GenerationOutput.fetchAll(
                db,
                sql: takingTurns(
                    rows: "o.*", from: "generation_outputs o JOIN generations g ON g.id = o.generation_id",
                    team: "g.team_id", dueAt: "o.next_attempt_at", where: Self.pendingOutput),
                arguments: [now.unix, limit])
        }
    }

    /// When the next download attempt is due, or nil when none is waiting.
    public func nextDownloadTime() throws -> Date? {
        try writer.read { db in
            try Date.fetchOne(
                db,
                sql: """
                    SELECT min(o.next_attempt_at) FROM generation_outputs o
                    JOIN generations g ON g.id = o.generation_id WHERE \(Self.pendingOutput)
                    """)
        }
    }

    /// Links a stored blob to its output; the generation completes when its last output is stored.
    /// Returns true when this completed the generation.
    /// `storeFile` moves the bytes into the blob store inside the write transaction (see `collectGarbage`).
    @discardableResult
    public func recordDownloaded(
        _ output: GenerationOutput, asset: Asset, now: Date,
        storeFile: () throws -> Void = {}
    ) throws -> Bool {
        try writer.write { db in
            try storeFile()
            try asset.insert(db, onConflict: .ignore)  // identical bytes are stored once
            try db.execute(
                sql: """
                    UPDATE generation_outputs SET sha256 = ?, attempts = attempts + 1, last_error = NULL,
                        next_attempt_at = NULL
                    WHERE generation_id = ? AND position = ?
                    """,
                arguments: [asset.sha256, output.generationID, output.position])
            try Self.appendEvent(
                db, output.generationID, "downloaded",
                "output \(output.position): \(asset.size) bytes, sha256 \(asset.sha256)", at: now)
            let remaining =
                try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM generation_outputs WHERE generation_id = ? AND sha256 IS NULL",
                    arguments: [output.generationID]) ?? 0
            guard remaining == 0 else { return false }
            try db.execute(
                sql: """
                    UPDATE generations SET status = 'completed', completed_at = ?, updated_at = ?
                    WHERE id = ? AND status = 'downloading'
                    """,
                arguments: [now.unix, now.unix, output.generationID])
            guard db.changesCount == 1 else { return false }
            try Self.appendEvent(db, output.generationID, "completed", nil, at: now)
            return true
        }
    }

    /// A download attempt failed. With `retryAt` it is tried again then; without, the generation fails with
    /// `code` and the cause.
    public func recordDownloadFailure(
        _ output: GenerationOutput, cause: String, code: String, retryAt: Date?,
        now: Date
    ) throws {
        try writer.write { db in
            try db.execute(
                sql: """
                    UPDATE generation_outputs SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?
                    WHERE generation_id = ? AND position = ?
                    """,
                arguments: [cause, retryAt?.unix, output.generationID, output.position])
            try Self.appendEvent(
                db, output.generationID, "download_failed",
                "output \(output.position), attempt \(output.attempts + 1): \(cause)", at: now)
            if retryAt == nil {
                try Self.fail(
                    db, output.generationID, code: code,
                    message: "output \(output.position) could not be downloaded: \(cause)", at: now)
            }
        }
    }

    /// Every stored asset, for verification.
    public func allAssets() throws -> [Asset] {
        try writer.read { db in try Asset.order(Asset.Columns.sha256).fetchAll(db) }
    }
}

extension AppDatabase {
    /// The asset, if the team holds it: an output or input of one of its generations, or a file it uploaded (another team's is as absent as a missing one).
    public func asset(sha256: String, teamID: String) throws -> Asset? {
        try writer.read { db in
            try Asset.fetchOne(
                db,
                sql: """
                    SELECT * FROM assets WHERE sha256 = ? AND (
                        EXISTS (SELECT 1 FROM team_files WHERE team_id = ? AND sha256 = assets.sha256)
                        OR EXISTS (SELECT 1 FROM generation_outputs o JOIN generations g ON g.id = o.generation_id
                                   WHERE o.sha256 = assets.sha256 AND g.team_id = ?)
                        OR EXISTS (SELECT 1 FROM generation_inputs i JOIN generations g ON g.id = i.generation_id
                                   WHERE i.sha256 = assets.sha256 AND g.team_id = ?))
                    """,
                arguments: [sha256, teamID, teamID, teamID])
        }
    }

    /// Removes assets no generation of any team references any more (nor a team upload newer than `uploadsBefore`), row and file together inside one write
    /// transaction: downloads commit their files under the same lock, so a blob never loses its file to a
    /// collection running beside a download of the same bytes.
    public func collectGarbage(storedBefore: Date, uploadsBefore: Date, removeFile: (Asset) throws -> Void) throws -> [Asset] {
        try writer.write { db in
            let orphans = try Asset.fetchAll(
                db,
                sql: """
                    SELECT * FROM assets a WHERE a.stored_at < ?
                    AND NOT EXISTS (SELECT 1 FROM generation_outputs o WHERE o.sha256 = a.sha256)
                    AND NOT EXISTS (SELECT 1 FROM generation_inputs i WHERE i.sha256 = a.sha256)
                    AND NOT EXISTS (SELECT 1 FROM team_files f WHERE f.sha256 = a.sha256 AND f.uploaded_at >= ?)
                    """,
                arguments: [storedBefore.unix, uploadsBefore.unix])
            for orphan in orphans {
                try orphan.delete(db)
                try removeFile(orphan)
            }
            return orphans
        }
    }
}
