import Foundation
import GRDB

/// One media input of a generation and, once downloaded, the asset holding its bytes.
public struct StoredInput: Sendable, Hashable {
    public var input: GenerationInput
    public var asset: Asset?
}

extension AppDatabase {
    /// A file the provider already holds, reusable as an input until `reuseUntil`.
    public func reusableUpload(sha256: String, now: Date) async throws -> ProviderUpload? {
        try await read { db in
            try ProviderUpload.filter(ProviderUpload.Columns.sha256 == sha256 && ProviderUpload.Columns.reuseUntil > now.unix).fetchOne(db)
        }
    }

    /// Stores a local file's asset row (its bytes already in the blob store; refused while being collected); with `teamID`,
    /// the file joins that team's uploads (usable as `sha256:<hex>` in its requests).
    public func recordLocalFile(_ asset: Asset, teamID: String?, now: Date) async throws {
        try await write { db in
            try Self.requireNotBeingCollected(db, asset.sha256)
            try asset.insert(db, onConflict: .ignore)
            if let teamID {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO team_files (team_id, sha256, uploaded_at) VALUES (?, ?, ?)",
                    arguments: [teamID, asset.sha256, now.unix])
            }
        }
    }

    public func recordUpload(_ upload: ProviderUpload) async throws {
        try await write { db in try upload.upsert(db) }
    }
}
