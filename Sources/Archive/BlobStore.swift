import Crypto
import Foundation
import Transport

/// Content-addressed file storage: `blobs/<2 hex>/<2 hex>/<sha256>`. Bytes arrive in `tmp/` and enter the store
/// only by an atomic rename of a complete, synced, verified file, so the store never holds a partial blob.
public struct BlobStore: Sendable {
    public let root: URL
    public var blobsDirectory: URL { root.appending(path: "blobs") }
    public var tempDirectory: URL { root.appending(path: "tmp") }

    public init(root: URL) throws {
        self.root = root
        for directory in [blobsDirectory, tempDirectory] {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        }
    }

    /// Where the blob with this digest lives (whether or not it exists yet).
    public func url(for sha256: String) -> URL {
        blobsDirectory.appending(path: String(sha256.prefix(2)))
            .appending(path: String(sha256.dropFirst(2).prefix(2)))
            .appending(path: sha256)
    }

    public func contains(_ sha256: String) -> Bool {
        FileManager.default.fileExists(atPath: url(for: sha256).path)
    }

    /// The temp file of a resumable download, named by what is downloaded so a restarted process finds the bytes
    /// an earlier attempt kept. `key` is made of characters safe in a file name.
    public func partialFile(for key: String) -> URL {
        tempDirectory.appending(path: key + ".part")
    }

    /// Moves a complete, already synced temp file into the store under `sha256`. When the store already holds
    /// those bytes the temp file is simply removed: identical content is stored once.
    public func commit(tempFile: URL, sha256: String) throws {
        let destination = url(for: sha256)
        if FileManager.default.fileExists(atPath: destination.path) {
            try FileManager.default.removeItem(at: tempFile)
            return
        }
        let directory = destination.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        guard rename(tempFile.path, destination.path) == 0 else {
            throw CocoaError(
                .fileWriteUnknown,
                userInfo: [
                    NSFilePathErrorKey: destination.path,
                    NSLocalizedDescriptionKey: "rename failed: \(String(cString: strerror(errno)))",
                ])
        }
        Self.syncDirectory(directory)  // the rename itself must survive a power cut
    }

    /// True when a file can be created in the temp directory (readiness).
    public func isWritable() -> Bool {
        let probe = tempDirectory.appending(path: ".ready-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: probe.path, contents: Data()) else { return false }
        try? FileManager.default.removeItem(at: probe)
        return true
    }

    /// Re-hashes a stored blob from disk.
    public func check(_ asset: Asset) -> BlobCheck {
        let fileURL = url(for: asset.sha256)
        guard let handle = try? FileHandle(forReadingFrom: fileURL) else { return .missing }
        defer { try? handle.close() }
        var hasher = SHA256()
        var size: Int64 = 0
        do {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                hasher.update(data: chunk)
                size += Int64(chunk.count)
            }
        } catch {
            return .unreadable(String(describing: error))
        }
        let digest = hasher.finalize().lowercaseHex
        if digest != asset.sha256 || size != asset.size { return .corrupt(actualSHA256: digest, actualSize: size) }
        return .intact
    }

    /// Removes temp files not modified for `age` (left by a crash mid-download), only those whose names start with
    /// one of `prefixes` when given. Returns how many went.
    @discardableResult
    public func sweepTempFiles(olderThan age: TimeInterval, prefixes: [String]? = nil, now: Date = Date()) -> Int {
        let files =
            (try? FileManager.default.contentsOfDirectory(
                at: tempDirectory, includingPropertiesForKeys: [.contentModificationDateKey])) ?? []
        var removed = 0
        for file in files where prefixes?.contains(where: { file.lastPathComponent.hasPrefix($0) }) ?? true {
            let modified = (try? file.resourceValues(forKeys: [.contentModificationDateKey]))?.contentModificationDate
            if let modified, now.timeIntervalSince(modified) > age, (try? FileManager.default.removeItem(at: file)) != nil {
                removed += 1
            }
        }
        return removed
    }

    private static func syncDirectory(_ directory: URL) {
        let descriptor = open(directory.path, O_RDONLY)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }
}

/// The result of re-hashing a stored blob.
public enum BlobCheck: Sendable, Equatable {
    case intact
    case missing
    case corrupt(actualSHA256: String, actualSize: Int64)
    case unreadable(String)
}
