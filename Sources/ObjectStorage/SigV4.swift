import Crypto
import Foundation
import Transport

/// AWS Signature Version 4 for S3-compatible stores: request headers (`Authorization`) and presigned URLs.
///
/// Written here rather than left to libcurl's `CURLOPT_AWS_SIGV4`: the libcurl of Debian 12 (7.88) leaves the query
/// string out of what it signs, so every listing is refused, and it sends no `x-amz-content-sha256` on a GET.
/// Checked against AWS's published examples (`SigV4Tests`) and against moto with signature checks on.
public struct SigV4: Sendable {
    public var credentials: AWSCredentials
    public var region: String
    public var service = "s3"

    public init(credentials: AWSCredentials, region: String) {
        self.credentials = credentials
        self.region = region
    }

    /// The payload hash for requests whose body is not signed (S3 accepts it; the body is checked by its own
    /// `x-amz-checksum-sha256` instead).
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"
    public static let emptyPayload = SHA256.hash(data: Data()).lowercaseHex

    /// The headers to add to a request: `x-amz-date`, `x-amz-content-sha256`, the session token if any, and
    /// `Authorization`, signed over `headers` (lowercase names) plus those.
    public func signedHeaders(
        method: String, url: URL, headers: [String: String] = [:], payloadHash: String, now: Date
    ) -> [(name: String, value: String)] {
        let stamp = Self.timestamp(now)
        var signed = headers.reduce(into: [String: String]()) { $0[$1.key.lowercased()] = $1.value }
        signed["host"] = Self.host(of: url)
        signed["x-amz-date"] = stamp
        signed["x-amz-content-sha256"] = payloadHash
        if let token = credentials.sessionToken { signed["x-amz-security-token"] = token }
        let names = signed.keys.sorted()
        let canonical = [
            method, Self.canonicalPath(url), Self.canonicalQuery(url),
            names.map { "\($0):\(signed[$0]!.trimmingCharacters(in: .whitespaces))\n" }.joined(),
            names.joined(separator: ";"), payloadHash,
        ].joined(separator: "\n")
        let signature = sign(canonical, stamp: stamp)
        let authorization =
            "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope(stamp)), "
            + "SignedHeaders=\(names.joined(separator: ";")), Signature=\(signature)"
        return signed.filter { $0.key != "host" && headers[$0.key] == nil }.map { ($0.key, $0.value) }
            + [("Authorization", authorization)]
    }

    /// A GET URL anyone may use until it expires (at most 7 days, S3's limit), signed over the host alone.
    public func presignedURL(_ url: URL, expires: Duration, now: Date) -> String {
        let stamp = Self.timestamp(now)
        var query = URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems ?? []
        query += [
            URLQueryItem(name: "X-Amz-Algorithm", value: "AWS4-HMAC-SHA256"),
            URLQueryItem(name: "X-Amz-Credential", value: "\(credentials.accessKeyID)/\(scope(stamp))"),
            URLQueryItem(name: "X-Amz-Date", value: stamp),
            URLQueryItem(name: "X-Amz-Expires", value: String(min(max(1, expires.components.seconds), 604_800))),
            URLQueryItem(name: "X-Amz-SignedHeaders", value: "host"),
        ]
        if let token = credentials.sessionToken { query.append(URLQueryItem(name: "X-Amz-Security-Token", value: token)) }
        let canonicalQuery = Self.canonicalQuery(query)
        let canonical = [
            "GET", Self.canonicalPath(url), canonicalQuery, "host:\(Self.host(of: url))\n", "host", Self.unsignedPayload,
        ].joined(separator: "\n")
        let base = url.absoluteString.prefix { $0 != "?" }
        return "\(base)?\(canonicalQuery)&X-Amz-Signature=\(sign(canonical, stamp: stamp))"
    }

    // MARK: - The parts

    private func scope(_ stamp: String) -> String { "\(stamp.prefix(8))/\(region)/\(service)/aws4_request" }

    private func sign(_ canonicalRequest: String, stamp: String) -> String {
        let toSign = [
            "AWS4-HMAC-SHA256", stamp, scope(stamp), SHA256.hash(data: Data(canonicalRequest.utf8)).lowercaseHex,
        ].joined(separator: "\n")
        var key = SymmetricKey(data: Data("AWS4\(credentials.secretAccessKey)".utf8))
        for part in [String(stamp.prefix(8)), region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        return Data(HMAC<SHA256>.authenticationCode(for: Data(toSign.utf8), using: key)).lowercaseHex
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(
            Date.VerbatimFormatStyle(
                format:
                    "\(year: .defaultDigits)\(month: .twoDigits)\(day: .twoDigits)T\(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased))\(minute: .twoDigits)\(second: .twoDigits)Z",
                timeZone: .gmt, calendar: Calendar(identifier: .gregorian)))
    }

    static func host(of url: URL) -> String {
        let host = url.host ?? ""
        guard let port = url.port, !(url.scheme == "https" && port == 443), !(url.scheme == "http" && port == 80) else {
            return host
        }
        return "\(host):\(port)"
    }

    /// The path as sent, each segment encoded once (S3 does not normalise or double-encode).
    static func canonicalPath(_ url: URL) -> String {
        let path = URLComponents(url: url, resolvingAgainstBaseURL: false)?.percentEncodedPath ?? "/"
        return path.isEmpty ? "/" : path
    }

    static func canonicalQuery(_ url: URL) -> String {
        canonicalQuery(URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems ?? [])
    }

    static func canonicalQuery(_ items: [URLQueryItem]) -> String {
        items.map { (encode($0.name), encode($0.value ?? "")) }.sorted { $0 < $1 }.map { "\($0.0)=\($0.1)" }
            .joined(separator: "&")
    }

    /// RFC 3986 percent-encoding: everything but letters, digits and `-._~`.
    static func encode(_ text: String, keepingSlashes: Bool = false) -> String {
        var allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        if keepingSlashes { allowed.insert("/") }
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

/// Credentials as AWS tools take them (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`). The
/// description never shows the secret.
public struct AWSCredentials: Sendable, CustomStringConvertible {
    public var accessKeyID: String
    public var secretAccessKey: String
    public var sessionToken: String?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    public var description: String { "AWSCredentials(\(accessKeyID.prefix(4))…)" }
}
