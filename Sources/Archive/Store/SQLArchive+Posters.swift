import Foundation

/// Posters: a still made from each stored video and image, for browsing (`derived_files`, kind `poster`).
extension SQLArchive {
    /// Records a stored asset's row (identical bytes are stored once); a video or image waits for its poster.
    static func insertAsset(_ db: any SQLSession, _ asset: Asset) throws {
        try db.insert(asset, "ON CONFLICT DO NOTHING")
        guard asset.hasPoster else { return }
        try db.execute(
            "INSERT INTO derived_files (source_sha256, kind, changed_at) VALUES (?, 'poster', ?) ON CONFLICT DO NOTHING",
            [asset.sha256, asset.storedAt.unix])
    }

    /// Records `poster` (its bytes already in the blob store; refused while being collected) as `source`'s, or why
    /// none could be made.
    public func recordPoster(source: String, outcome: Result<Asset, PosterFailure>, now: Date) async throws {
        try await writing { db in
            var (sha256, error): (String?, String?) = (nil, nil)
            switch outcome {
            case .success(let poster):
                try Self.requireNotBeingCollected(db, poster.sha256)
                try db.insert(poster, "ON CONFLICT DO NOTHING")
                sha256 = poster.sha256
            case .failure(let failure):
                error = failure.reason
            }
            try db.execute(
                """
                INSERT INTO derived_files (source_sha256, kind, sha256, error, changed_at) VALUES (?, 'poster', ?, ?, ?)
                ON CONFLICT (source_sha256, kind)
                DO UPDATE SET sha256 = excluded.sha256, error = excluded.error, changed_at = excluded.changed_at
                """, [source, sha256, error, now.unix])
        }
    }

    /// The posters made of `sources` (a page of cards), by source.
    public func posters(of sources: [String]) async throws -> [String: Asset] {
        guard !sources.isEmpty else { return [:] }
        return try await reading { db in
            let rows = try db.rows(
                """
                SELECT d.source_sha256 AS source, a.* FROM derived_files d JOIN assets a ON a.sha256 = d.sha256
                WHERE d.kind = 'poster' AND d.source_sha256 IN (\(Array(repeating: "?", count: sources.count).joined(separator: ", ")))
                """, sources.map { $0 })
            return try Dictionary(rows.map { (try $0.decode(String.self, forColumn: "source"), try Asset(row: $0)) }) { a, _ in a }
        }
    }

    /// Posters waiting, made and failed (`eachvault posters`).
    public func posterCounts() async throws -> PosterCounts {
        try await reading { db in
            let row = try db.row(
                """
                SELECT count(*) FILTER (WHERE sha256 IS NULL AND error IS NULL) AS waiting,
                       count(sha256) AS made, count(error) AS failed
                FROM derived_files WHERE kind = 'poster'
                """, [])
            return PosterCounts(
                waiting: try row?.decode(forColumn: "waiting") ?? 0, made: try row?.decode(forColumn: "made") ?? 0,
                failed: try row?.decode(forColumn: "failed") ?? 0)
        }
    }

    /// Failed posters wait again (after installing a newer ffmpeg, say).
    public func retryFailedPosters(now: Date) async throws -> Int {
        try await writing { db in
            try db.execute(
                "UPDATE derived_files SET error = NULL, changed_at = ? WHERE kind = 'poster' AND error IS NOT NULL",
                [now.unix])
            return db.changedRows
        }
    }
}

/// Why no poster could be made of a file (ffmpeg refused it, timed out, or made nothing).
public struct PosterFailure: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// How far the posters are.
public struct PosterCounts: Sendable, Equatable {
    public var waiting: Int
    public var made: Int
    public var failed: Int

    public init(waiting: Int, made: Int, failed: Int) {
        (self.waiting, self.made, self.failed) = (waiting, made, failed)
    }
}

extension Asset {
    /// `1280×720`, when the file's size is known.
    public var resolution: String? { width.map { "\($0)×\(height ?? 0)" } }

    /// Videos and the image types browsers show get a poster.
    public var hasPoster: Bool {
        contentType.hasPrefix("video/") || ["image/png", "image/jpeg", "image/webp", "image/gif"].contains(contentType)
    }
}
