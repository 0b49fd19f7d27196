import Foundation
import VaultDomain

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
            let team = try db.value(String.self, "SELECT team_id FROM generations WHERE id = \(file.generationID)")
            try Self.insertAsset(db, asset, team: team)  // identical bytes are stored once
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
                try db.value(
                    Int.self,
                    "SELECT count(*) FROM generation_outputs WHERE generation_id = \(file.generationID) AND sha256 IS NULL")
                ?? 0
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

    /// Puts a file back in its queue until `until` without an attempt (nothing was tried), saying why it waits.
    public func postponeFile(_ file: PendingFile, until: Date, reason: String) async throws {
        try await writing { db in
            try db.execute(
                "UPDATE \(raw: file.kind.table) SET last_error = \(reason), next_attempt_at = \(until) WHERE \(file.row)")
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
