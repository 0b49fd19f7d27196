import Foundation
import ObjectStorage

/// Where a blob's bytes come from when the service answers for it, in the HTTP layer's terms: the backend stays
/// behind the blob store.
public enum BlobServing: Sendable {
    /// A file on this host: its path, and its path inside the blob folder (what a reverse proxy that serves the
    /// folder is handed, `X-Accel-Redirect`).
    case localFile(path: String, folderPath: String)
    /// A short-lived URL where the store serves the bytes and every range itself.
    case redirect(url: String)
    /// Bytes the service fetches from the store, a range at a time.
    case remote(RemoteBlob)
}

/// A blob the service streams from a store clients cannot (or are not to) reach.
public struct RemoteBlob: Sendable {
    let store: S3Blobs
    let sha256: String

    public func read(_ range: ClosedRange<Int64>) async throws -> Data { try await store.read(sha256, range: range) }
}

extension BlobStore {
    /// How to answer for `sha256`. `redirecting: false` (a HEAD request, which the service answers itself) never
    /// gives `.redirect`; the type and disposition travel in a redirect's URL for the store to answer with, which
    /// stays valid for the store's URL lifetime or `redirectLifetime`, whichever is shorter.
    public func serving(
        _ sha256: String, contentType: String, contentDisposition: String?, redirecting: Bool,
        redirectLifetime: Duration? = nil
    ) -> BlobServing {
        switch backend.delivery {
        case .file(let folder):
            .localFile(path: folder.path(for: sha256), folderPath: FolderBlobs.relativePath(for: sha256))
        case .redirect(let store) where redirecting:
            .redirect(
                url: store.presignedURL(
                    sha256, contentType: contentType, contentDisposition: contentDisposition, lifetime: redirectLifetime))
        case .redirect(let store), .proxy(let store):
            .remote(RemoteBlob(store: store, sha256: sha256))
        }
    }
}
