import Foundation
import ObjectStorage
import Storage

/// What `copyBlobs` did.
public struct BlobCopyReport: Sendable {
    public var copied = 0
    public var alreadyThere = 0
    public var bytes: Int64 = 0
    /// Digest and why: missing or corrupt at the source, or refused by the destination.
    public var failed: [(sha256: String, reason: String)] = []

    public init() {}
}

extension BlobStore {
    /// Copies every asset's blob into `destination` (another backend), each re-hashed on the way and verified by
    /// the destination (an S3 store checks the SHA-256 sent with it). Blobs already there are skipped, so a copy
    /// that stopped halfway resumes where it was, and running it again after switching picks up stragglers.
    public func copyBlobs(of assets: [Asset], to destination: BlobStore) async -> BlobCopyReport {
        var report = BlobCopyReport()
        for asset in assets {
            do {
                if try await destination.backend.info(asset.sha256)?.size == asset.size {
                    report.alreadyThere += 1
                    continue
                }
                try await withLocalFile(asset.sha256) { file in
                    let check = FolderBlobs.rehash(file.path, sha256: asset.sha256, size: asset.size)
                    guard check == .intact else { throw BlobCopyRefusal(reason: "\(check) at the source") }
                    try await destination.backend.put(file, sha256: asset.sha256, size: asset.size)
                }
                report.copied += 1
                report.bytes += asset.size
            } catch {
                report.failed.append((asset.sha256, String(describing: error)))
            }
        }
        return report
    }
}

struct BlobCopyRefusal: Error, CustomStringConvertible {
    var reason: String
    var description: String { reason }
}
