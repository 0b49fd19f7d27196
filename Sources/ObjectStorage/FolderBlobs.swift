import Crypto
import Foundation
import Transport

/// Blobs as files in a local folder: `<folder>/<2 hex>/<2 hex>/<sha256>`. A blob enters by a hard link (or, across
/// file systems, a synced copy renamed into place) of a complete file, so the folder never holds a partial blob.
public struct FolderBlobs: BlobBackend {
    public let folder: URL

    public init(folder: URL) throws {
        self.folder = folder
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    public var description: String { "folder \(folder.path)" }

    /// Where the blob with this digest lives (whether or not it exists yet).
    public func path(for sha256: String) -> String { folder.appending(path: Self.relativePath(for: sha256)).path }

    /// `ab/cd/<sha256>`: the blob's place under the folder.
    public static func relativePath(for sha256: String) -> String {
        "\(sha256.prefix(2))/\(sha256.dropFirst(2).prefix(2))/\(sha256)"
    }

    public func info(_ sha256: String) async throws -> StoredBlob? {
        var status = stat()
        guard stat(path(for: sha256), &status) == 0 else { return nil }
        return StoredBlob(
            sha256: sha256, size: Int64(status.st_size),
            storedAt: Date(timeIntervalSince1970: TimeInterval(status.st_mtim.tv_sec)))
    }

    /// On a thread of its own: the syncs wait for the disk, which a loaded host makes slow, and a cooperative
    /// thread (two on a two-core host) waiting for it would stall every request.
    public func put(_ file: URL, sha256: String, size: Int64) async throws {
        let destination = path(for: sha256)
        try await Blocking.run { try self.place(file, at: destination) }
    }

    private func place(_ file: URL, at destination: String) throws {
        let directory = (destination as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if link(file.path, destination) != 0 {
            switch errno {
            case EEXIST: return  // identical bytes are stored once
            case EXDEV, EPERM, ENOTSUP: try copyIntoPlace(file, destination)
            default: throw Self.failure("link", destination)
            }
        }
        Self.syncDirectory(directory)  // the new name must survive a power cut
    }

    /// Across file systems: copy to a temp name beside the destination, sync, rename.
    private func copyIntoPlace(_ file: URL, _ destination: String) throws {
        let staging = destination + ".copy-\(UUID().uuidString)"
        defer { unlink(staging) }
        try FileManager.default.copyItem(atPath: file.path, toPath: staging)
        let descriptor = open(staging, O_RDONLY)
        if descriptor >= 0 {
            fsync(descriptor)
            close(descriptor)
        }
        guard rename(staging, destination) == 0 else { throw Self.failure("rename", destination) }
    }

    public func remove(_ sha256: String) async throws {
        guard unlink(path(for: sha256)) == 0 || errno == ENOENT else { throw Self.failure("remove", path(for: sha256)) }
    }

    public func localFile(_ sha256: String, scratch: URL) async throws -> (url: URL, isCopy: Bool) {
        (URL(fileURLWithPath: path(for: sha256)), false)
    }

    /// Walks the two levels of fan-out folders in name order; the marker is the last name of the previous page.
    public func list(after marker: String?) async throws -> (blobs: [StoredBlob], next: String?) {
        let pageSize = 1000
        var page: [StoredBlob] = []
        for first in try Self.sortedNames(folder.path) where first >= String((marker ?? "").prefix(2)) {
            let firstPath = folder.appending(path: first).path
            for second in try Self.sortedNames(firstPath) where first + second >= String((marker ?? "").prefix(4)) {
                let secondPath = (firstPath as NSString).appendingPathComponent(second)
                for name in try Self.sortedNames(secondPath) where name.isSHA256Hex && name > (marker ?? "") {
                    guard let blob = try await info(name) else { continue }
                    page.append(blob)
                    if page.count == pageSize { return (page, name) }
                }
            }
        }
        return (page, nil)
    }

    private static func sortedNames(_ path: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            return []
        }
        return try FileManager.default.contentsOfDirectory(atPath: path).sorted()
    }

    public func check(_ sha256: String, size: Int64, rehash: Bool, scratch: URL) async -> BlobCheck {
        Self.rehash(path(for: sha256), sha256: sha256, size: size)
    }

    /// Re-hashes a file and compares it with the digest and size it should have.
    public static func rehash(_ path: String, sha256: String, size: Int64) -> BlobCheck {
        guard FileManager.default.fileExists(atPath: path) else { return .missing }
        let digest: String
        let actualSize: Int64
        do { (digest, actualSize) = try FileDigest.sha256(of: URL(fileURLWithPath: path)) } catch {
            return .unreadable(String(describing: error))
        }
        if digest != sha256 || actualSize != size { return .corrupt(actualSHA256: digest, actualSize: actualSize) }
        return .intact
    }

    /// Nothing: a folder's blobs enter whole (temp files are the blob store's to sweep).
    public func abandonPartialWrites(before: Date) async throws -> Int { 0 }

    public func isReachable() async -> Bool { access(folder.path, W_OK) == 0 }

    public var delivery: BlobDelivery { .file(self) }

    static func syncDirectory(_ directory: String) {
        let descriptor = open(directory, O_RDONLY)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    /// The error of a failed file operation; a full or read-only disk says so (`BlobFault.isPassing`).
    private static func failure(_ operation: String, _ path: String) -> CocoaError {
        let code: CocoaError.Code =
            switch errno {
            case ENOSPC, EDQUOT: .fileWriteOutOfSpace
            case EROFS: .fileWriteVolumeReadOnly
            default: .fileWriteUnknown
            }
        return CocoaError(
            code,
            userInfo: [
                NSFilePathErrorKey: path,
                NSLocalizedDescriptionKey: "\(operation) failed: \(String(cString: strerror(errno)))",
            ])
    }
}
