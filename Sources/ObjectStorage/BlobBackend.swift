import Foundation
import Transport

/// Where content-addressed blobs live: a local folder (the embedded default) or an S3-compatible store. A blob is
/// named by the SHA-256 of its bytes, so a name is stored at most once and never changes meaning.
///
/// Callers hand a backend complete, synced, verified files (`put`) and read them back whole (`copy`) or in ranges
/// (`read`); a backend never holds a partial blob under a blob's name.
public protocol BlobBackend: Sendable, CustomStringConvertible {
    /// The blob's size and when it was stored, or nil when the backend does not hold it.
    func info(_ sha256: String) async throws -> StoredBlob?

    /// Stores `file` (whose bytes hash to `sha256`) under its digest. The file stays where it is.
    func put(_ file: URL, sha256: String, size: Int64) async throws

    /// Removes the blob; removing one that is not there is no error.
    func remove(_ sha256: String) async throws

    /// The blob as a local file to read: the stored file itself (a folder), or a copy fetched into `scratch` and
    /// checked against its digest (`isCopy`, for the caller to remove).
    func localFile(_ sha256: String, scratch: URL) async throws -> (url: URL, isCopy: Bool)

    /// One page of the stored blobs, in name order, after `marker` (nil: from the start), and the next page's marker.
    func list(after marker: String?) async throws -> (blobs: [StoredBlob], next: String?)

    /// Re-reads the blob and says whether it still holds `size` bytes hashing to its name. With `rehash` false, a
    /// store that keeps its own SHA-256 of the object is trusted for it.
    func check(_ sha256: String, size: Int64, rehash: Bool, scratch: URL) async -> BlobCheck

    /// Gives up what writes interrupted long ago left behind (an S3 store's unfinished multipart uploads begun
    /// before `before`, whose parts it keeps and bills for); how many.
    func abandonPartialWrites(before: Date) async throws -> Int

    /// True when the backend answers and accepts writes (readiness).
    func isReachable() async -> Bool

    /// How the bytes reach a client who asked for them.
    var delivery: BlobDelivery { get }
}

/// One stored blob as the backend knows it.
public struct StoredBlob: Sendable, Equatable {
    public var sha256: String
    public var size: Int64
    public var storedAt: Date?

    public init(sha256: String, size: Int64, storedAt: Date?) {
        self.sha256 = sha256
        self.size = size
        self.storedAt = storedAt
    }
}

/// The result of re-reading a stored blob.
public enum BlobCheck: Sendable, Equatable {
    case intact
    case missing
    case corrupt(actualSHA256: String, actualSize: Int64)
    case unreadable(String)
}

/// How a stored blob is served.
public enum BlobDelivery: Sendable {
    /// Streamed by the service from a file of a local folder (ranges served from disk), or handed to a reverse
    /// proxy that serves the folder (`X-Accel-Redirect`).
    case file(FolderBlobs)
    /// A redirect to a short-lived presigned URL: the store serves the bytes and every range.
    case redirect(S3Blobs)
    /// Streamed through the service from the store, range by range (stores clients cannot reach).
    case proxy(S3Blobs)
}
