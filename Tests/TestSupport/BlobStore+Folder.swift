import Blobs
import Foundation
import ObjectStorage
import Storage

extension BlobStore {
    /// The folder of an embedded store (tests that look at the files themselves).
    public var folder: FolderBlobs {
        guard let folder = backend as? FolderBlobs else { preconditionFailure("not a folder store: \(backend)") }
        return folder
    }

    /// Where a folder store keeps the blob.
    public func fileURL(for sha256: String) -> URL { URL(fileURLWithPath: folder.path(for: sha256)) }

    /// Stores a staged file and records nothing (tests of the store alone).
    public func commit(tempFile: URL, sha256: String) async throws {
        let size = try FileManager.default.attributesOfItem(atPath: tempFile.path)[.size] as? Int64 ?? 0
        try await keep(tempFile, sha256: sha256, size: size) {}
    }
}
