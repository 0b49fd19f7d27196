import Foundation

/// One media input of a generation and, once downloaded, the asset holding its bytes.
public struct StoredInput: Sendable, Hashable {
    public var input: GenerationInput
    public var asset: Asset?
}

extension SQLArchive {
    /// A file the provider already holds from an upload for this team, reusable as an input until `reuseUntil`.
    public func reusableUpload(sha256: String, teamID: String, now: Date) async throws -> ProviderUpload? {
        try await reading { db in
            try db.fetchOne(
                ProviderUpload.self,
                """
                SELECT * FROM provider_uploads
                WHERE team_id = \(teamID) AND sha256 = \(sha256) AND reuse_until > \(now.unix)
                """)
        }
    }

    /// Stores a local file's asset row (its bytes already in the blob store; refused while being collected); with `teamID`,
    /// the file joins that team's uploads (usable as `sha256:<hex>` in its requests).
    public func recordLocalFile(_ asset: Asset, teamID: String?, now: Date) async throws {
        try await writing { db in
            try Self.requireNotBeingCollected(db, asset.sha256)
            try Self.insertAsset(db, asset, team: teamID)  // identical bytes are stored once
            if let teamID {
                try db.execute(
                    """
                    INSERT INTO team_files (team_id, sha256, uploaded_at) VALUES (\(teamID), \(asset.sha256), \(now.unix))
                    ON CONFLICT (team_id, sha256) DO UPDATE SET uploaded_at = excluded.uploaded_at
                    """)
            }
        }
    }

    public func recordUpload(_ upload: ProviderUpload) async throws {
        try await writing { db in try db.save(upload, key: ["team_id", "sha256"]) }
    }
}
