import Crypto
import Foundation
import HTTPTypes
import Transport

/// The few S3 operations a content-addressed blob store needs, on any S3-compatible store, through `HTTPTransport`
/// (libcurl): HEAD, PUT from a file (streamed, with the SHA-256 the store verifies), GET into a `FileSink`, DELETE,
/// listing, and presigned GET URLs.
public struct S3Client: Sendable {
    public let location: S3Location
    let transport: any HTTPTransport
    let now: @Sendable () -> Date
    let resilience: S3Resilience
    let circuit = S3Circuit()

    public init(
        location: S3Location, transport: any HTTPTransport, resilience: S3Resilience = S3Resilience(),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.location = location
        self.transport = transport
        self.resilience = resilience
        self.now = now
    }

    /// Whether the circuit is open (the store failed calls in a row): for `/readyz`.
    public var isFailing: Bool { circuit.isOpen }

    public struct ObjectInfo: Sendable, Equatable {
        public var size: Int64
        /// The store's own SHA-256 of the object (base64), when it keeps one (`x-amz-checksum-sha256`).
        public var checksumSHA256: String?
        /// True for an object put together from parts (its ETag ends in `-<parts>`): its checksum, if any, is one
        /// of its parts' checksums, not of its bytes.
        public var isMultipart = false
    }

    public struct ObjectSummary: Sendable, Equatable {
        /// The key without the location's prefix.
        public var key: String
        public var size: Int64
        public var lastModified: Date?
    }

    /// The object's size and checksum, or nil when there is none.
    public func head(_ key: String) async throws -> ObjectInfo? {
        let response = try await resilient("HEAD \(key)") {
            let response = try await send("HEAD", location.url(forKey: key), headers: ["x-amz-checksum-mode": "ENABLED"])
            if response.status != 404 { try Self.check(response, "HEAD \(key)") }
            return response
        }
        if response.status == 404 { return nil }
        return ObjectInfo(
            size: response.headers[.contentLength].flatMap(Int64.init) ?? 0,
            checksumSHA256: response.headers[HTTPField.Name("x-amz-checksum-sha256")!],
            isMultipart: response.headers[.eTag]?.contains("-") ?? false)
    }

    /// Uploads `file` as `key`. The body's SHA-256 is both the signed payload hash and `x-amz-checksum-sha256`, so
    /// the store refuses bytes that changed on the way.
    public func put(file: URL, key: String, sha256: String, size: Int64) async throws {
        guard sha256.isSHA256Hex, let digest = [UInt8](lowercaseHex: sha256) else {
            throw S3Error(status: 0, code: "BadDigest", message: "not a SHA-256: \(sha256)")
        }
        let url = location.url(forKey: key)
        // Content-Length comes from libcurl (the file's size); SigV4 does not need it signed.
        let headers = [
            "x-amz-checksum-sha256": Data(digest).base64EncodedString(), "content-type": "application/octet-stream",
        ]
        try await resilient("PUT \(key)") {
            var request = HTTPRequest(
                method: "PUT", url: url.absoluteString, bodyFile: file,
                timeout: .seconds(60 + Int(size >> 20)))  // a minute, plus a second per MiB
            request.headers =
                location.signer.signedHeaders(method: "PUT", url: url, headers: headers, payloadHash: sha256, now: now())
                + headers.map { ($0.key, $0.value) }
            let response = try await transport.send(request, maxBodyBytes: 64 << 10)
            try Self.check(response, "PUT \(key)")
        }
    }

    /// Streams the object into `sink`; throws for anything but 200/206.
    public func download(_ key: String, into sink: FileSink, limits: DownloadLimits = DownloadLimits()) async throws
        -> DownloadResponse
    {
        let url = location.url(forKey: key)
        let request = HTTPRequest(
            url: url.absoluteString,
            headers: location.signer.signedHeaders(
                method: "GET", url: url, payloadHash: SigV4.emptyPayload, now: now()))
        let response = try await transport.download(request, into: sink, limits: limits)
        guard (200..<300).contains(response.status) else {
            throw S3Error(status: response.status, code: "", message: "GET \(key)")
        }
        return response
    }

    /// Removes the object (S3 answers 204 whether or not it existed).
    public func delete(_ key: String) async throws {
        try await resilient("DELETE \(key)") {
            try Self.check(try await send("DELETE", location.url(forKey: key)), "DELETE \(key)")
        }
    }

    /// One page (up to `maxKeys`, at most 1,000) of the objects whose keys start with `prefix`, after `continuation`
    /// or, from the start, after the key `startAfter`; the next page's token, or nil after the last.
    public func list(prefix: String, continuation: String? = nil, startAfter: String? = nil, maxKeys: Int = 1000)
        async throws -> ([ObjectSummary], next: String?)
    {
        var query = [("list-type", "2"), ("prefix", location.prefix + prefix), ("max-keys", String(maxKeys))]
        if let continuation { query.append(("continuation-token", continuation)) }
        if let startAfter { query.append(("start-after", location.prefix + startAfter)) }
        let response = try await resilient("list \(prefix)") {
            let response = try await send("GET", location.bucketURL(query: Self.queryText(query)))
            try Self.check(response, "list \(prefix)")
            return response
        }
        return S3ListingParser.parse(String(decoding: response.body, as: UTF8.self), dropping: location.prefix)
    }

    /// The bytes `range` of the object, buffered (callers ask for a few MiB at a time); all of them or an error.
    public func read(_ key: String, range: ClosedRange<Int64>) async throws -> Data {
        let headers = ["range": "bytes=\(range.lowerBound)-\(range.upperBound)"]
        return try await resilient("GET \(key)") {
            let response = try await send("GET", location.url(forKey: key), headers: headers, maxBodyBytes: range.count)
            try Self.check(response, "GET \(key)")
            guard response.body.count == range.count else {
                throw S3Error(
                    status: response.status, code: "", message: "GET \(key): \(response.body.count) bytes of \(range.count)")
            }
            return response.body
        }
    }

    /// A URL that fetches the object without credentials until it expires.
    public func presignedURL(_ key: String, expires: Duration) -> String {
        location.signer.presignedURL(location.url(forKey: key), expires: expires, now: now())
    }

    func send(
        _ method: String, _ url: URL, headers: [String: String] = [:], body: Data? = nil, maxBodyBytes: Int = 8 << 20
    ) async throws -> Transport.HTTPResponse {
        var request = HTTPRequest(method: method, url: url.absoluteString, body: body)
        let payloadHash = body.map { SHA256.hash(data: $0).lowercaseHex } ?? SigV4.emptyPayload
        request.headers =
            location.signer.signedHeaders(method: method, url: url, headers: headers, payloadHash: payloadHash, now: now())
            + headers.map { ($0.key, $0.value) }
        return try await transport.send(request, maxBodyBytes: maxBodyBytes)
    }

    static func queryText(_ items: [(String, String)]) -> String {
        items.map { "\(SigV4.encode($0.0))=\(SigV4.encode($0.1))" }.joined(separator: "&")
    }

    static func check(_ response: Transport.HTTPResponse, _ what: String) throws {
        guard !(200..<300).contains(response.status) else { return }
        let body = String(decoding: response.body.prefix(4096), as: UTF8.self)
        throw S3Error(
            status: response.status, code: S3ListingParser.first("Code", in: body) ?? "",
            message: "\(what): \(S3ListingParser.first("Message", in: body) ?? "HTTP \(response.status)")")
    }
}

/// An S3 refusal: the HTTP status, the store's error code (`NoSuchBucket`, `SignatureDoesNotMatch`, ...) and its
/// message. Never holds credentials (they are only in request headers).
public struct S3Error: Error, CustomStringConvertible {
    public var status: Int
    public var code: String
    public var message: String
    public var description: String { "S3 \(status) \(code): \(message)" }
}
