import Foundation
import ObjectStorage
import Storage

/// Re-reads every stored blob and says which are missing or corrupt.
public struct VerificationReport: Sendable {
    public var checked = 0
    public var bytes: Int64 = 0
    public var missing: [String] = []
    public var corrupt: [String] = []
    public var unreadable: [String] = []

    public var isClean: Bool { missing.isEmpty && corrupt.isEmpty && unreadable.isEmpty }
}

extension BlobStore {
    /// - Parameter rehash: read every byte back (false: trust a store's own SHA-256 of an object where it keeps one).
    public func verify(_ assets: [Asset], rehash: Bool = true) async -> VerificationReport {
        var report = VerificationReport()
        for asset in assets {
            report.checked += 1
            switch await check(asset, rehash: rehash) {
            case .intact: report.bytes += asset.size
            case .missing: report.missing.append(asset.sha256)
            case .corrupt: report.corrupt.append(asset.sha256)
            case .unreadable: report.unreadable.append(asset.sha256)
            }
        }
        return report
    }
}

/// What `collectGarbage` freed.
public struct GarbageReport: Sendable {
    public var blobs = 0
    public var bytes: Int64 = 0
    /// Blobs in the store that no asset row named (a crash between storing and recording).
    public var unrecorded = 0
    public var tempFiles = 0
    /// Uploads to the store a crash cut off a day ago or more, given up.
    public var abandonedUploads = 0
}

extension BlobStore {
    /// Removes blobs that no generation of any team references (as output or input) and no team uploaded in the
    /// last week, blobs in the store that the database never recorded and that are a day old, temp files untouched
    /// for a day, and uploads to the store cut off a day ago. Blobs stored in the last hour are spared: a local file is stored just before its
    /// generation is recorded.
    public func collectGarbage(_ database: any FileStore, now: Date = Date()) async throws -> GarbageReport {
        var report = GarbageReport()
        try await remove(database.blobDeletions(), database)  // left by a collection that died
        let removed = try await database.collectGarbage(
            storedBefore: now.addingTimeInterval(-3600), uploadsBefore: now.addingTimeInterval(-7 * 86400), now: now)
        try await remove(removed.map(\.sha256), database)
        report.blobs = removed.count
        report.bytes = removed.reduce(0) { $0 + $1.size }

        var marker: String?
        repeat {
            let page = try await backend.list(after: marker)
            let old = page.blobs.filter { ($0.storedAt ?? now) < now.addingTimeInterval(-86400) }
            let unrecorded = try await database.noteUnrecordedBlobs(old.map(\.sha256), now: now)
            try await remove(unrecorded, database)
            report.unrecorded += unrecorded.count
            report.bytes += old.filter { unrecorded.contains($0.sha256) }.reduce(0) { $0 + $1.size }
            marker = page.next
        } while marker != nil
        report.tempFiles = sweepTempFiles(olderThan: 24 * 3600, now: now)
        report.abandonedUploads = try await backend.abandonPartialWrites(before: now.addingTimeInterval(-86400))
        return report
    }

    private func remove(_ digests: [String], _ database: any FileStore) async throws {
        guard !digests.isEmpty else { return }
        for sha256 in digests { try await backend.remove(sha256) }
        try await database.forgetBlobDeletions(digests)
    }
}
