import Foundation
import GRDB
import VaultContract

extension AppDatabase {
    /// Every stored asset, for verification.
    public func allAssets() async throws -> [Asset] {
        try await read { db in try Asset.order(Asset.Columns.sha256).fetchAll(db) }
    }
}

extension AppDatabase {
    /// The asset, if the team holds it: an output or input of one of its generations, or a file it uploaded (another team's is as absent as a missing one).
    public func asset(sha256: String, teamID: String) async throws -> Asset? {
        try await read { db in
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

    /// Deletes the rows of assets no generation of any team references any more (nor a team upload newer than
    /// `uploadsBefore`) and stored before `storedBefore`, noting each digest as being collected (`blob_deletions`)
    /// in the same transaction. The caller removes the bytes, then calls `forgetBlobDeletions`.
    public func collectGarbage(storedBefore: Date, uploadsBefore: Date, now: Date) async throws -> [Asset] {
        try await write { db in
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
                try Self.noteBlobDeletion(db, orphan.sha256, now: now)
            }
            return orphans
        }
    }

    /// Of `digests` (blobs found in the store), those no asset row names, noted as being collected.
    public func noteUnrecordedBlobs(_ digests: [String], now: Date) async throws -> [String] {
        try await write { db in
            var unrecorded: [String] = []
            for sha256 in digests where try !Asset.exists(db, key: sha256) {
                try Self.noteBlobDeletion(db, sha256, now: now)
                unrecorded.append(sha256)
            }
            return unrecorded
        }
    }

    /// Digests noted as being collected (a collection that died leaves some).
    public func blobDeletions() async throws -> [String] {
        try await read { db in try String.fetchAll(db, sql: "SELECT sha256 FROM blob_deletions ORDER BY sha256") }
    }

    /// The bytes are gone: the digests may be stored again.
    public func forgetBlobDeletions(_ digests: [String]) async throws {
        try await write { db in
            for sha256 in digests { try db.execute(sql: "DELETE FROM blob_deletions WHERE sha256 = ?", arguments: [sha256]) }
        }
    }

    private static func noteBlobDeletion(_ db: Database, _ sha256: String, now: Date) throws {
        try db.execute(
            sql: "INSERT OR IGNORE INTO blob_deletions (sha256, noted_at) VALUES (?, ?)", arguments: [sha256, now.unix])
    }

    /// Refuses to record `sha256` as stored while a collection is removing its bytes (inside the recording
    /// transaction, so a collection and a recording of the same digest never overlap).
    static func requireNotBeingCollected(_ db: Database, _ sha256: String) throws {
        if try Bool.fetchOne(db, sql: "SELECT 1 FROM blob_deletions WHERE sha256 = ?", arguments: [sha256]) == true {
            throw BlobBeingCollected(sha256: sha256)
        }
    }
}

/// The blob is being removed by a collection; store it again once the collection is through.
public struct BlobBeingCollected: Error, CustomStringConvertible {
    public var sha256: String
    public var description: String { "the blob \(sha256) is being collected; it will be stored again" }
}

/// Where a stored blob came from: an output or input URL of a generation, and the prediction behind an output.
public struct BlobSource: Sendable, Equatable {
    public var url: String
    public var isOutput: Bool
    /// For an output: its generation's prediction and its place among the outputs (to ask the provider again).
    public var predictionID: String?
    public var position: Int
}

extension AppDatabase {
    /// Every known source of the blob, outputs first.
    public func blobSources(sha256: String) async throws -> [BlobSource] {
        try await read { db in
            let outputs = try Row.fetchAll(
                db,
                sql: """
                    SELECT o.source_url, g.prediction_id, o.position FROM generation_outputs o
                    JOIN generations g ON g.id = o.generation_id WHERE o.sha256 = ?
                    """, arguments: [sha256]
            ).map { BlobSource(url: $0[0], isOutput: true, predictionID: $0[1], position: $0[2]) }
            let inputs = try Row.fetchAll(
                db, sql: "SELECT source_url, position FROM generation_inputs WHERE sha256 = ?", arguments: [sha256]
            ).map { BlobSource(url: $0[0], isOutput: false, predictionID: nil, position: $0[1]) }
            return outputs + inputs
        }
    }
}

extension AppDatabase {
    /// The next asset after the scrub's position (from the first again past the last), and moves the position to it.
    public func nextAssetToScrub(now: Date) async throws -> Asset? {
        try await write { db in
            let last = try String.fetchOne(db, sql: "SELECT last_sha256 FROM scrub_position WHERE id = 1") ?? ""
            let next =
                try Asset.filter(Asset.Columns.sha256 > last).order(Asset.Columns.sha256).fetchOne(db)
                ?? Asset.order(Asset.Columns.sha256).fetchOne(db)
            if let next {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO scrub_position (id, last_sha256, updated_at) VALUES (1, ?, ?)",
                    arguments: [next.sha256, now.unix])
            }
            return next
        }
    }
}
