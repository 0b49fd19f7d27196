import Foundation
import ObjectStorage
import Storage
import Transport

/// The archive's bytes: content-addressed blobs in a `BlobBackend` (a folder under the data home by default, or an
/// S3-compatible store), reached through a local temp folder. Bytes arrive in `tmp/` (downloads, uploads), are
/// hashed as they stream, and enter the backend only as a complete, synced, verified file.
public struct BlobStore: Sendable {
    public let backend: any BlobBackend
    /// Downloads and uploads in progress, and copies fetched from a remote backend.
    public let tempDirectory: URL

    public init(backend: any BlobBackend, tempDirectory: URL) throws {
        self.backend = backend
        self.tempDirectory = tempDirectory
        try FileManager.default.createDirectory(at: tempDirectory, withIntermediateDirectories: true)
    }

    /// The embedded layout: `<home>/blobs` and `<home>/tmp`.
    public init(home: URL) throws {
        try self.init(backend: FolderBlobs(folder: home.appending(path: "blobs")), tempDirectory: home.appending(path: "tmp"))
    }

    /// The origin files redirect to (an object store serving presigned URLs), which pages must allow media from.
    public var redirectOrigin: String? {
        guard case .redirect(let store) = backend.delivery else { return nil }
        return store.origin
    }

    public func contains(_ sha256: String) async -> Bool { (try? await backend.info(sha256)) != nil }

    /// The temp file of a resumable download, named by what is downloaded so a restarted process finds the bytes
    /// an earlier attempt kept. `key` is made of characters safe in a file name.
    public func partialFile(for key: String) -> URL {
        tempDirectory.appending(path: key + ".part")
    }

    /// Stores a complete, synced, verified temp file under its digest, then `record`s it in the database, then
    /// removes the temp file. Identical bytes travel once (the backend is asked first). A collection removing the same
    /// digest meanwhile makes `record` refuse (`BlobBeingCollected`): the bytes are stored again once it is through.
    /// A crash between storing and recording leaves an unrecorded blob, which a later collection removes.
    @discardableResult
    public func keep<T>(
        _ tempFile: URL, sha256: String, size: Int64, record: () async throws -> T
    ) async throws -> T {
        var waits = 0
        while true {
            let held = try await backend.info(sha256)?.size == size
            if !held { try await backend.put(tempFile, sha256: sha256, size: size) }
            do {
                let result = try await record()
                // Collected between the question and the record: the record now holds it, store it again.
                if held, try await backend.info(sha256) == nil { try await backend.put(tempFile, sha256: sha256, size: size) }
                try? FileManager.default.removeItem(at: tempFile)
                return result
            } catch is BlobBeingCollected where waits < 300 {
                waits += 1
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    /// The stored blob as a local file for `body` (a remote backend's copy is fetched, checked and removed after).
    public func withLocalFile<T>(_ sha256: String, _ body: (URL) async throws -> T) async throws -> T {
        let file = try await backend.localFile(sha256, scratch: tempDirectory)
        defer { if file.isCopy { try? FileManager.default.removeItem(at: file.url) } }
        return try await body(file.url)
    }

    /// True when the temp folder takes a file and the backend answers (readiness).
    public func isReady() async -> Bool {
        let probe = tempDirectory.appending(path: ".ready-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: probe.path, contents: Data()) else { return false }
        try? FileManager.default.removeItem(at: probe)
        return await backend.isReachable()
    }

    /// Re-reads a stored blob (with `rehash` false, a store's own checksum is trusted where it keeps one).
    public func check(_ asset: Asset, rehash: Bool = true) async -> BlobCheck {
        await backend.check(asset.sha256, size: asset.size, rehash: rehash, scratch: tempDirectory)
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
}
