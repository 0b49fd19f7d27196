import Blobs
import Foundation
import ObjectStorage
import Storage
import Transport

/// Where blobs live (`EACHVAULT_BLOB_STORE`): a local folder (the default: `blobs/` under the data home) or an
/// S3-compatible store, `s3://bucket/prefix`, configured by the AWS variables (`S3Location`).
public enum BlobStoreLocation: Sendable, CustomStringConvertible {
    case folder(URL)
    case s3(S3Location)

    /// Reads a folder path or an `s3://` URL (the AWS variables from `environment`).
    public init(parsing text: String, environment: [String: String]) throws(ConfigurationError) {
        if text.hasPrefix("s3://") {
            do { self = .s3(try S3Location(url: text, environment: environment)) } catch {
                throw .invalid("EACHVAULT_BLOB_STORE: \(error)")
            }
        } else {
            guard !text.isEmpty, !text.contains("://") else {
                throw .invalid("a blob store is a folder path or s3://bucket/prefix, not '\(text)'")
            }
            self = .folder(URL(fileURLWithPath: text))
        }
    }

    public var description: String {
        switch self {
        case .folder(let url): url.path
        case .s3(let location): location.description
        }
    }
}

/// How an S3-compatible blob store is used: `EACHVAULT_S3_SERVE` (`redirect`, the default, or `proxy`),
/// `EACHVAULT_S3_URL_TTL_S` (presigned URLs' lifetime, default 900 s) and `EACHVAULT_S3_PART_MB` (files larger than
/// this go up in parts of about this size, default 64).
public struct ObjectStoreSettings: Sendable {
    public var serving: S3Blobs.Serving = .redirect
    public var urlLifetime: Duration = .seconds(900)
    public var partSize: Int64 = 64 << 20

    public init() {}

    init(environment: [String: String]) throws(ConfigurationError) {
        if let serve = environment["EACHVAULT_S3_SERVE"], !serve.isEmpty {
            guard let value = S3Blobs.Serving(rawValue: serve) else {
                throw .invalid("EACHVAULT_S3_SERVE must be redirect or proxy, not '\(serve)'")
            }
            serving = value
        }
        if let ttl = environment["EACHVAULT_S3_URL_TTL_S"] {
            guard let value = Int(ttl), (10...604_800).contains(value) else {
                throw .invalid("EACHVAULT_S3_URL_TTL_S must be seconds from 10 to 604800, not '\(ttl)'")
            }
            urlLifetime = .seconds(value)
        }
        if let part = environment["EACHVAULT_S3_PART_MB"] {
            guard let value = Int64(part), (5...5120).contains(value) else {
                throw .invalid("EACHVAULT_S3_PART_MB must be from 5 to 5120, not '\(part)'")
            }
            partSize = value << 20
        }
    }
}

extension VaultConfiguration {
    /// The blob store at `location` (default: the configured one), its temp files under the data home.
    public func openBlobStore(
        _ location: BlobStoreLocation? = nil, transport: any HTTPTransport = CurlTransport()
    ) throws -> BlobStore {
        let backend: any BlobBackend =
            switch location ?? blobStore {
            case .folder(let folder): try FolderBlobs(folder: folder)
            case .s3(let s3):
                S3Blobs(
                    client: S3Client(location: s3, transport: transport), partSize: objectStore.partSize,
                    serving: objectStore.serving, urlLifetime: objectStore.urlLifetime)
            }
        return try BlobStore(backend: backend, tempDirectory: home.appending(path: "tmp"))
    }

    /// The configured blob store: `EACHVAULT_BLOB_STORE`, else `blobs/` under the data home.
    public var blobStore: BlobStoreLocation {
        get { blobStoreOverride ?? .folder(home.appending(path: "blobs")) }
        set { blobStoreOverride = newValue }
    }
}
