import Foundation

/// Files made from each stored video and image for browsing (`derived_files`): its poster, and a video's preview.
extension SQLArchive {
    /// Records a stored asset's row (identical bytes are stored once); a video or image waits for the files made
    /// from it, in the turns of `team`, the first team to store it.
    static func insertAsset(_ db: any SQLSession, _ asset: Asset, team: String?) throws {
        try db.insert(asset, "ON CONFLICT DO NOTHING")
        for kind in DerivedKind.allCases where kind.isMade(of: asset) {
            try db.execute(
                """
                INSERT INTO derived_files (source_sha256, kind, team_id, changed_at)
                VALUES (\(asset.sha256), \(kind), \(team), \(asset.storedAt))
                ON CONFLICT DO NOTHING
                """)
        }
    }

    /// Records `made` (its bytes already in the blob store; refused while being collected) as `source`'s file of
    /// `kind`, or why none could be made.
    public func recordDerivedFile(
        _ kind: DerivedKind, source: String, outcome: Result<Asset, PosterFailure>, now: Date
    ) async throws {
        try await writing { db in
            var (sha256, error): (String?, String?) = (nil, nil)
            switch outcome {
            case .success(let made):
                try Self.requireNotBeingCollected(db, made.sha256)
                try db.insert(made, "ON CONFLICT DO NOTHING")
                sha256 = made.sha256
            case .failure(let failure):
                error = failure.reason
            }
            try db.execute(
                """
                INSERT INTO derived_files (source_sha256, kind, sha256, error, changed_at)
                VALUES (\(source), \(kind), \(sha256), \(error), \(now))
                ON CONFLICT (source_sha256, kind)
                DO UPDATE SET sha256 = excluded.sha256, error = excluded.error, changed_at = excluded.changed_at
                """)
        }
    }

    /// The files of `kind` made of `sources` (a page of cards), by source.
    public func derivedFiles(_ kind: DerivedKind, of sources: [String]) async throws -> [String: Asset] {
        guard !sources.isEmpty else { return [:] }
        return try await reading { db in
            let rows = try db.rows(
                """
                SELECT d.source_sha256 AS source, a.* FROM derived_files d JOIN assets a ON a.sha256 = d.sha256
                WHERE d.kind = \(kind) AND d.source_sha256 IN (\(list: sources))
                """)
            return try Dictionary(rows.map { (try $0["source"] as String, try Asset(row: $0)) }) { a, _ in a }
        }
    }

    /// Posters and previews waiting, made and failed (`eachvault posters`).
    public func posterCounts() async throws -> PosterCounts {
        try await reading { db in
            let row = try db.row(
                """
                SELECT count(*) FILTER (WHERE sha256 IS NULL AND error IS NULL) AS waiting,
                       count(sha256) AS made, count(error) AS failed
                FROM derived_files
                """)
            return PosterCounts(
                waiting: try row?["waiting"] ?? 0, made: try row?["made"] ?? 0, failed: try row?["failed"] ?? 0)
        }
    }

    /// Failed posters and previews wait again (after installing a newer ffmpeg, say).
    public func retryFailedPosters(now: Date) async throws -> Int {
        try await writing { db in
            try db.execute("UPDATE derived_files SET error = NULL, changed_at = \(now.unix) WHERE error IS NOT NULL")
            return db.changedRows
        }
    }
}

/// What is made of a stored file for browsing.
public enum DerivedKind: String, CaseIterable, Sendable, SQLValueConvertible {
    /// A JPEG still of a video, or a smaller copy of an image, at most 480 pixels wide.
    case poster
    /// A few silent seconds of a video, H.264 MP4 at most 320 pixels wide, that a card plays while pointed at.
    case preview

    /// Whether a file of this kind is made of `asset`.
    public func isMade(of asset: Asset) -> Bool {
        switch self {
        case .poster: asset.hasPoster
        case .preview: asset.contentType.hasPrefix("video/")
        }
    }

    public var contentType: String { self == .poster ? "image/jpeg" : "video/mp4" }
    public var fileExtension: String { self == .poster ? "jpg" : "mp4" }
}

/// A file to make: `kind` of `source`.
public struct DerivedWork: Sendable {
    public var source: Asset
    public var kind: DerivedKind
    /// The team whose file asked for it first (its turn in the queue), nil for files from before teams.
    public var team: String?
    /// One item of the work queue.
    public var key: String { "\(source.sha256):\(kind.rawValue)" }

    public init(source: Asset, kind: DerivedKind, team: String? = nil) {
        (self.source, self.kind, self.team) = (source, kind, team)
    }

    /// The work a row names: its source asset's columns, `derived_kind` and `derived_team`.
    package init(row: SQLRow) throws {
        source = try Asset(row: row)
        kind = try row["derived_kind"]
        team = try row["derived_team"]
    }
}

/// Why no poster or preview could be made of a file (ffmpeg refused it, timed out, or made nothing).
public struct PosterFailure: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// How far the posters and previews are.
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
