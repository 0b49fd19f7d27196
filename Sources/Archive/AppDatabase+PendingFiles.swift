import Foundation
import VaultContract

/// The queue of files to fetch (outputs and media inputs) and the record of each attempt: one path for both.
extension SQLArchive {
    /// Links a stored blob to its file; a generation completes when its last output is stored. Returns true when
    /// this completed the generation. The bytes are already in the blob store (`BlobStore.keep`); a digest being
    /// collected is refused (`BlobBeingCollected`).
    @discardableResult
    public func recordStored(_ file: PendingFile, asset: Asset, now: Date) async throws -> Bool {
        try await writing { db in
            try db.lock(generation: file.generationID)
            try Self.requireNotBeingCollected(db, asset.sha256)
            try Self.insertAsset(db, asset)  // identical bytes are stored once
            try db.execute(
                """
                UPDATE \(raw: file.kind.table) SET sha256 = \(asset.sha256), attempts = attempts + 1, last_error = NULL,
                    next_attempt_at = NULL WHERE \(file.row)
                """)
            try db.appendEvent(
                file.generationID, file.kind == .output ? "downloaded" : "input_stored",
                "\(file.label): \(asset.size) bytes, sha256 \(asset.sha256)", at: now)
            guard file.kind == .output else { return false }
            try db.announce(
                .assetStored, generationID: file.generationID,
                data: ["sha256": asset.sha256, "size": String(asset.size), "content_type": asset.contentType], at: now)
            let remaining =
                try db.value(Int.self, "SELECT count(*) FROM generation_outputs WHERE generation_id = \(file.generationID) AND sha256 IS NULL") ?? 0
            guard remaining == 0 else { return false }
            return try db.advance(file.generationID, at: now) { GenerationLife.lastOutputStored($0, at: now) }
        }
    }

    /// A failed attempt: tried again at `retryAt`, or given up. An output given up fails its generation with `code`;
    /// an input given up leaves the generation as it is (lineage is kept where it can be).
    public func recordFailedAttempt(
        _ file: PendingFile, cause: String, code: String, retryAt: Date?, now: Date
    ) async throws {
        let event =
            switch file.kind {
            case .output: "download_failed"
            case .input: retryAt == nil ? "input_lost" : "input_download_failed"
            }
        try await writing { db in
            try db.lock(generation: file.generationID)
            try db.execute(
                """
                UPDATE \(raw: file.kind.table) SET attempts = attempts + 1, last_error = \(cause), next_attempt_at = \(retryAt)
                WHERE \(file.row)
                """)
            try db.appendEvent(file.generationID, event, "\(file.label), attempt \(file.attempts + 1): \(cause)", at: now)
            if file.kind == .output, retryAt == nil {
                try db.fail(
                    file.generationID, code: code, message: "\(file.label) could not be downloaded: \(cause)",
                    at: now)
            }
        }
    }
}

extension PendingFile.Kind {
    var table: String {
        switch self {
        case .output: "generation_outputs"
        case .input: "generation_inputs"
        }
    }

    /// The queue of files of this kind (`QueueRule.downloads`, `.inputDownloads`).
    var queue: WorkQueue {
        switch self {
        case .output: WorkQueue(.downloads)
        case .input: WorkQueue(.inputDownloads)
        }
    }
}

extension PendingFile {
    /// The condition that finds the file's row.
    fileprivate var row: SQLText {
        switch self {
        case .output(let output):
            "generation_id = \(output.generationID) AND position = \(output.position)"
        case .input(let input):
            "generation_id = \(input.generationID) AND field = \(input.field) AND position = \(input.position)"
        }
    }
}

extension AppDatabase {
    /// Files still to be stored whose next attempt is due, teams taking turns (each team's oldest before any team's
    /// second), so one team's backlog cannot hold the workers for everyone.
    public func dueFiles(_ kind: PendingFile.Kind, now: Date, limit: Int) async throws -> [PendingFile] {
        let sql = kind.queue.due(now: now, limit: limit)
        return try await read { db in
            switch kind {
            case .output: try db.fetchAll(GenerationOutput.self, sql).map(PendingFile.output)
            case .input: try db.fetchAll(GenerationInput.self, sql).map(PendingFile.input)
            }
        }
    }

    /// When the next attempt of `kind` is due, or nil when none is waiting.
    public func nextFileTime(_ kind: PendingFile.Kind) async throws -> Date? {
        try await read { db in try db.value(Date.self, kind.queue.nextDue) }
    }
}

extension AppDatabase {
    /// Posters and previews waiting to be made, oldest first.
    public func dueDerivedFiles(now: Date, limit: Int) async throws -> [DerivedWork] {
        try await read { db in
            try db.rows(
                """
                SELECT a.*, d.kind AS derived_kind FROM derived_files d JOIN assets a ON a.sha256 = d.source_sha256
                WHERE d.sha256 IS NULL AND d.error IS NULL AND d.changed_at <= \(now)
                ORDER BY d.changed_at LIMIT \(limit)
                """
            ).map(DerivedWork.init(row:))
        }
    }

    public func nextDerivedFileTime() async throws -> Date? {
        try await read { db in
            try db.value(Date.self, "SELECT min(changed_at) FROM derived_files WHERE sha256 IS NULL AND error IS NULL")
        }
    }
}
