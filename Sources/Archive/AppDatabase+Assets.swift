import Foundation
import GRDB
import VaultContract

extension AppDatabase {
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
