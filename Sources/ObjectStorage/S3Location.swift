import Foundation

/// Where blobs live in an S3-compatible store, configured the way AWS tools are: `s3://bucket/prefix`, the endpoint
/// from `AWS_ENDPOINT_URL_S3` or `AWS_ENDPOINT_URL` (AWS itself when neither is set), the region from `AWS_REGION`
/// (or `AWS_DEFAULT_REGION`, else us-east-1), credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and
/// `AWS_SESSION_TOKEN`, and path-style addressing (`endpoint/bucket/key`) when `EACHVAULT_S3_PATH_STYLE=true`,
/// which MinIO, Ceph RGW and most local stores need.
public struct S3Location: Sendable, CustomStringConvertible {
    public var bucket: String
    /// Prepended to every key: empty, or ending in "/".
    public var prefix: String
    public var endpoint: URL
    public var pathStyle: Bool
    public var signer: SigV4

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    public init(bucket: String, prefix: String = "", endpoint: URL, pathStyle: Bool, signer: SigV4) {
        self.bucket = bucket
        self.prefix = prefix.isEmpty || prefix.hasSuffix("/") ? prefix : prefix + "/"
        self.endpoint = endpoint
        self.pathStyle = pathStyle
        self.signer = signer
    }

    /// Reads `s3://bucket/prefix` and the AWS variables of `environment`.
    public init(url: String, environment: [String: String]) throws {
        guard url.hasPrefix("s3://") else { throw Invalid(description: "a blob store URL starts with s3://") }
        let rest = url.dropFirst("s3://".count)
        let bucket = String(rest.prefix { $0 != "/" })
        // Bucket names: 3-63 lowercase letters, digits, dots and dashes (S3's rule; stores accept no more).
        guard (3...63).contains(bucket.count),
            bucket.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-" || $0 == ".") })
        else { throw Invalid(description: "\"\(bucket)\" is not a bucket name (3-63 lowercase letters, digits, . and -)") }
        guard let key = environment["AWS_ACCESS_KEY_ID"], !key.isEmpty,
            let secret = environment["AWS_SECRET_ACCESS_KEY"], !secret.isEmpty
        else { throw Invalid(description: "an s3:// blob store needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY") }
        let region = environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"] ?? "us-east-1"
        let endpointText =
            environment["AWS_ENDPOINT_URL_S3"] ?? environment["AWS_ENDPOINT_URL"] ?? "https://s3.\(region).amazonaws.com"
        guard let endpoint = URL(string: endpointText), let scheme = endpoint.scheme, ["http", "https"].contains(scheme),
            endpoint.host != nil
        else { throw Invalid(description: "the S3 endpoint \(endpointText) is not an http(s) URL") }
        self.init(
            bucket: bucket, prefix: String(rest.dropFirst(bucket.count).drop { $0 == "/" }), endpoint: endpoint,
            pathStyle: environment["EACHVAULT_S3_PATH_STYLE"] == "true",
            signer: SigV4(
                credentials: AWSCredentials(
                    accessKeyID: key, secretAccessKey: secret, sessionToken: environment["AWS_SESSION_TOKEN"]),
                region: region))
    }

    /// The object's URL: `endpoint/bucket/prefix+key` (path style) or `bucket.endpoint-host/prefix+key`.
    public func url(forKey key: String, query: String = "") -> URL {
        let path = SigV4.encode(prefix + key, keepingSlashes: true)
        return url(path: path, query: query)
    }

    /// The bucket's own URL (for listings).
    func bucketURL(query: String) -> URL { url(path: "", query: query) }

    private func url(path: String, query: String) -> URL {
        var components = URLComponents(url: endpoint, resolvingAgainstBaseURL: false)!
        let base = components.percentEncodedPath.hasSuffix("/") ? String(components.percentEncodedPath.dropLast()) : components.percentEncodedPath
        if pathStyle {
            components.percentEncodedPath = path.isEmpty ? "\(base)/\(bucket)" : "\(base)/\(bucket)/\(path)"
        } else {
            components.host = "\(bucket).\(components.host ?? "")"
            components.percentEncodedPath = "\(base)/\(path)"
        }
        components.percentEncodedQuery = query.isEmpty ? nil : query
        return components.url!
    }

    public var description: String { "s3://\(bucket)/\(prefix) at \(endpoint.absoluteString)" }
}
