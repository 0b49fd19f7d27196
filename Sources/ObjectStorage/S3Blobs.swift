import Foundation
import Transport

/// Blobs as objects of an S3-compatible store, each under its digest (`<prefix><sha256>`). A file is sent whole with
/// its SHA-256, which the store verifies, or in verified parts when it is large; HEAD comes first so identical bytes
/// travel once.
public struct S3Blobs: BlobBackend {
    public let client: S3Client
    /// Files larger than this go up in parts (each about this size).
    public let partSize: Int64
    public let serving: Serving
    /// How long a presigned URL handed to a client stays valid.
    public let urlLifetime: Duration

    /// How clients get the bytes.
    public enum Serving: String, Sendable {
        /// A redirect to a short-lived presigned URL (the default): the store serves bytes and ranges.
        case redirect
        /// Streamed through the service, for stores that clients cannot reach.
        case proxy
    }

    public init(client: S3Client, partSize: Int64 = 64 << 20, serving: Serving = .redirect, urlLifetime: Duration = .seconds(900)) {
        self.client = client
        self.partSize = partSize
        self.serving = serving
        self.urlLifetime = urlLifetime
    }

    public var description: String { client.location.description }

    public func info(_ sha256: String) async throws -> StoredBlob? {
        try await client.head(sha256).map { StoredBlob(sha256: sha256, size: $0.size, storedAt: nil) }
    }

    public func put(_ file: URL, sha256: String, size: Int64) async throws {
        if let held = try await client.head(sha256), held.size == size { return }
        if size > partSize {
            try await client.putMultipart(file: file, key: sha256, sha256: sha256, size: size, partSize: partSize)
        } else {
            try await client.put(file: file, key: sha256, sha256: sha256, size: size)
        }
    }

    public func remove(_ sha256: String) async throws { try await client.delete(sha256) }

    public func localFile(_ sha256: String, scratch: URL) async throws -> (url: URL, isCopy: Bool) {
        let copy = scratch.appending(path: "fetch-\(sha256)-\(UUID().uuidString).part")
        do {
            let sink = try FileSink(appendingTo: copy)
            _ = try await client.download(sha256, into: sink)
            let digest = try await Blocking.run { try sink.finish() }  // the sync waits for the disk
            guard digest == sha256 else {
                throw S3Error(status: 200, code: "BadDigest", message: "\(sha256) came back as \(digest)")
            }
            return (copy, true)
        } catch {
            try? FileManager.default.removeItem(at: copy)
            throw error
        }
    }

    public func list(after marker: String?) async throws -> (blobs: [StoredBlob], next: String?) {
        let (objects, more) = try await client.list(prefix: "", startAfter: marker)
        let blobs = objects.filter { $0.key.isSHA256Hex }.map {
            StoredBlob(sha256: $0.key, size: $0.size, storedAt: $0.lastModified)
        }
        return (blobs, more == nil ? nil : objects.last?.key)
    }

    public func check(_ sha256: String, size: Int64, rehash: Bool, scratch: URL) async -> BlobCheck {
        let info: S3Client.ObjectInfo?
        do { info = try await client.head(sha256) } catch { return .unreadable(String(describing: error)) }
        guard let info else { return .missing }
        guard info.size == size else { return .corrupt(actualSHA256: "", actualSize: info.size) }
        // A whole-object checksum (a multipart object's is a checksum of its parts' checksums).
        if !rehash, !info.isMultipart, let checksum = info.checksumSHA256, !checksum.contains("-"),
            let expected = [UInt8](lowercaseHex: sha256)
        {
            return checksum == Data(expected).base64EncodedString() ? .intact : .corrupt(actualSHA256: "", actualSize: size)
        }
        do {
            let copy = try await localFile(sha256, scratch: scratch)
            try? FileManager.default.removeItem(at: copy.url)
            return .intact
        } catch let error as S3Error where error.code == "BadDigest" {
            return .corrupt(actualSHA256: "", actualSize: size)
        } catch {
            return .unreadable(String(describing: error))
        }
    }

    public func abandonPartialWrites(before: Date) async throws -> Int {
        let stale = try await client.unfinishedUploads().filter { ($0.initiated ?? .distantFuture) < before }
        for upload in stale { try await client.abortUpload(upload.key, uploadID: upload.uploadID) }
        return stale.count
    }

    public func isReachable() async -> Bool { (try? await client.list(prefix: "", maxKeys: 1)) != nil }

    public var delivery: BlobDelivery { serving == .redirect ? .redirect(self) : .proxy(self) }

    /// The scheme, host and port presigned URLs point at.
    public var origin: String {
        var components = URLComponents(url: client.location.url(forKey: ""), resolvingAgainstBaseURL: false)
        components?.path = ""
        components?.query = nil
        return components?.string ?? ""
    }

    /// A URL the store answers without credentials until it expires (after `urlLifetime`, or `lifetime` when that
    /// is shorter), serving the bytes with these headers.
    public func presignedURL(
        _ sha256: String, contentType: String, contentDisposition: String?, lifetime: Duration? = nil
    ) -> String {
        var query = [("response-content-type", contentType)]
        if let contentDisposition { query.append(("response-content-disposition", contentDisposition)) }
        let url = client.location.url(forKey: sha256, query: S3Client.queryText(query))
        return client.location.signer.presignedURL(url, expires: min(urlLifetime, lifetime ?? urlLifetime), now: client.now())
    }

    /// Bytes of a blob, for streaming it through the service.
    public func read(_ sha256: String, range: ClosedRange<Int64>) async throws -> Data {
        try await client.read(sha256, range: range)
    }
}
