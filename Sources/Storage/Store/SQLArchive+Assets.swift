import Foundation
import VaultDomain

extension SQLArchive {
    /// Every stored asset, for verification.
    public func allAssets() async throws -> [Asset] {
        try await reading { db in try db.fetchAll(Asset.self, "SELECT * FROM assets ORDER BY sha256") }
    }
}

extension SQLArchive {
    /// The asset, if the team holds it: an output or input of one of its generations, or a file it uploaded
    /// (another team's is as absent as a missing one).
    public func asset(sha256: String, teamID: String) async throws -> Asset? {
        try await reading { db in
            try db.fetchOne(
                Asset.self,
                """
                SELECT * FROM assets WHERE sha256 = \(sha256) AND (
                    EXISTS (SELECT 1 FROM team_files WHERE team_id = \(teamID) AND sha256 = assets.sha256)
                    OR EXISTS (SELECT 1 FROM generation_outputs o JOIN generations g ON g.id = o.generation_id
                               WHERE o.sha256 = assets.sha256 AND g.team_id = \(teamID))
                    OR EXISTS (SELECT 1 FROM generation_inputs i JOIN generations g ON g.id = i.generation_id
                               WHERE i.sha256 = assets.sha256 AND g.team_id = \(teamID)))
                """)
        }
    }

    /// Deletes the rows of assets no generation of any team references any more (nor a team upload newer than
    /// `uploadsBefore`, nor a poster row) and stored before `storedBefore`, with the posters made of them, noting each
    /// digest as being collected (`blob_deletions`) in the same transaction. The caller removes the bytes, then calls
    /// `forgetBlobDeletions`.
    public func collectGarbage(storedBefore: Date, uploadsBefore: Date, now: Date) async throws -> [Asset] {
        try await writing { db in
            let unreferenced: SQLText = """
                NOT EXISTS (SELECT 1 FROM generation_outputs o WHERE o.sha256 = a.sha256)
                AND NOT EXISTS (SELECT 1 FROM generation_inputs i WHERE i.sha256 = a.sha256)
                AND NOT EXISTS (SELECT 1 FROM team_files f WHERE f.sha256 = a.sha256 AND f.uploaded_at >= \(uploadsBefore))
                AND NOT EXISTS (SELECT 1 FROM derived_files d WHERE d.sha256 = a.sha256)
                """
            let orphans = try db.fetchAll(
                Asset.self, "SELECT * FROM assets a WHERE a.stored_at < \(storedBefore) AND \(unreferenced)")
            var collected: [Asset] = []
            func collect(_ asset: Asset) throws {
                try db.execute("DELETE FROM assets WHERE sha256 = \(asset.sha256)")
                try Self.noteBlobDeletion(db, asset.sha256, now: now)
                collected.append(asset)
                // Its posters go with it, unless their bytes are also something else.
                let made = try db.values(
                    String.self, "SELECT sha256 FROM derived_files WHERE source_sha256 = \(asset.sha256) AND sha256 IS NOT NULL")
                try db.execute("DELETE FROM derived_files WHERE source_sha256 = \(asset.sha256)")
                for sha256 in made {
                    if let poster = try db.fetchOne(
                        Asset.self, "SELECT * FROM assets a WHERE a.sha256 = \(sha256) AND \(unreferenced)")
                    {
                        try collect(poster)
                    }
                }
            }
            for orphan in orphans { try collect(orphan) }
            return collected
        }
    }

    /// Of `digests` (blobs found in the store), those no asset row names, noted as being collected.
    public func noteUnrecordedBlobs(_ digests: [String], now: Date) async throws -> [String] {
        try await writing { db in
            var unrecorded: [String] = []
            for sha256 in digests where try db.value(Int.self, "SELECT 1 FROM assets WHERE sha256 = \(sha256)") == nil {
                try Self.noteBlobDeletion(db, sha256, now: now)
                unrecorded.append(sha256)
            }
            return unrecorded
        }
    }

    /// Digests noted as being collected (a collection that died leaves some).
    public func blobDeletions() async throws -> [String] {
        try await reading { db in try db.values(String.self, "SELECT sha256 FROM blob_deletions ORDER BY sha256") }
    }

    /// The bytes are gone: the digests may be stored again.
    public func forgetBlobDeletions(_ digests: [String]) async throws {
        try await writing { db in
            for sha256 in digests { try db.execute("DELETE FROM blob_deletions WHERE sha256 = \(sha256)") }
        }
    }

    private static func noteBlobDeletion(_ db: any SQLSession, _ sha256: String, now: Date) throws {
        try db.execute("INSERT INTO blob_deletions (sha256, noted_at) VALUES (\(sha256), \(now.unix)) ON CONFLICT DO NOTHING")
    }

    /// Refuses to record `sha256` as stored while a collection is removing its bytes (inside the recording
    /// transaction, so a collection and a recording of the same digest never overlap).
    static func requireNotBeingCollected(_ db: any SQLSession, _ sha256: String) throws {
        if try db.value(Bool.self, "SELECT 1 FROM blob_deletions WHERE sha256 = \(sha256)") == true {
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

extension SQLArchive {
    /// Every known source of the blob, outputs first.
    public func blobSources(sha256: String) async throws -> [BlobSource] {
        try await reading { db in
            let outputs = try db.rows(
                """
                SELECT o.source_url, g.prediction_id, o.position FROM generation_outputs o
                JOIN generations g ON g.id = o.generation_id WHERE o.sha256 = \(sha256)
                """
            ).map {
                try BlobSource(url: $0["source_url"], isOutput: true, predictionID: $0["prediction_id"], position: $0["position"])
            }
            let inputs = try db.rows("SELECT source_url, position FROM generation_inputs WHERE sha256 = \(sha256)").map {
                try BlobSource(url: $0["source_url"], isOutput: false, predictionID: nil, position: $0["position"])
            }
            return outputs + inputs
        }
    }
}

extension SQLArchive {
    /// The next asset after the scrub's position (from the first again past the last), and moves the position to it.
    public func nextAssetToScrub(now: Date) async throws -> Asset? {
        try await writing { db in
            let last = try db.value(String.self, "SELECT last_sha256 FROM scrub_position WHERE id = 1") ?? ""
            let next =
                try db.fetchOne(Asset.self, "SELECT * FROM assets WHERE sha256 > \(last) ORDER BY sha256 LIMIT 1")
                ?? db.fetchOne(Asset.self, "SELECT * FROM assets ORDER BY sha256 LIMIT 1")
            if let next {
                try db.execute(
                    """
                    INSERT INTO scrub_position (id, last_sha256, updated_at) VALUES (1, \(next.sha256), \(now.unix))
                    ON CONFLICT (id) DO UPDATE SET last_sha256 = excluded.last_sha256, updated_at = excluded.updated_at
                    """)
            }
            return next
        }
    }
}
