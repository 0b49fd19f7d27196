import Foundation

/// Re-hashes every stored blob and says which are missing or corrupt.
public struct VerificationReport: Sendable {
    public var checked = 0
    public var bytes: Int64 = 0
    public var missing: [String] = []
    public var corrupt: [String] = []
    public var unreadable: [String] = []

    public var isClean: Bool { missing.isEmpty && corrupt.isEmpty && unreadable.isEmpty }
}

extension BlobStore {
    public func verify(_ assets: [Asset]) -> VerificationReport {
        var report = VerificationReport()
        for asset in assets {
            report.checked += 1
            switch check(asset) {
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
    public var tempFiles = 0
}

extension BlobStore {
    /// Removes blobs that no generation of any team references (as output or input) and no team uploaded in the
    /// last week, and temp files untouched for a day. Blobs stored in the last hour are spared: a local file is
    /// stored just before its generation is recorded.
    public func collectGarbage(_ database: AppDatabase, now: Date = Date()) throws -> GarbageReport {
        var report = GarbageReport()
        let removed = try database.collectGarbage(
            storedBefore: now.addingTimeInterval(-3600),
            uploadsBefore: now.addingTimeInterval(-7 * 86400)
        ) { asset in
            let file = url(for: asset.sha256)
            if FileManager.default.fileExists(atPath: file.path) { try FileManager.default.removeItem(at: file) }
        }
        report.blobs = removed.count
        report.bytes = removed.reduce(0) { $0 + $1.size }
        report.tempFiles = sweepTempFiles(olderThan: 24 * 3600, now: now)
        return report
    }
}
