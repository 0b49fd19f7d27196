import CCurl
import Dispatch
import Foundation
import HTTPTypes
import Synchronization

/// `HTTPTransport` over libcurl. Blocking transfers run on threads of their own (`Blocking`), never on Swift's cooperative threads;
/// easy handles are pooled so keep-alive connections to the provider are reused across calls.
public final class CurlTransport: HTTPTransport {
    private let handles = Mutex<[CurlHandle]>([])
    private let userAgent: String
    private let certificateAuthorities: String?

    /// - Parameter certificateAuthorities: a PEM file of the authorities HTTPS servers are checked against instead
    ///   of the system's (a private certificate authority, as in front of an in-house object store).
    public init(userAgent: String = "EachVault/1.0", certificateAuthorities: String? = nil) {
        _ = Self.globalInit
        self.userAgent = userAgent
        self.certificateAuthorities = certificateAuthorities
    }

    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    public func send(_ request: HTTPRequest, maxBodyBytes: Int) async throws(TransportError) -> HTTPResponse {
        let transfer = Transfer(
            destination: .memory(limit: Int64(maxBodyBytes)), publicAddressesOnly: request.publicAddressesOnly)
        let outcome = try await perform(request, transfer: transfer) { (handle) throws(TransportError) in
            try handle.set(CURLOPT_TIMEOUT_MS, request.timeout.milliseconds)
            try handle.set(CURLOPT_CONNECTTIMEOUT_MS, min(request.timeout.milliseconds, 10_000))
            try handle.set(CURLOPT_ACCEPT_ENCODING, "")  // API answers: whatever libcurl decodes, capped decoded
        }
        return HTTPResponse(status: outcome.status, headers: outcome.headers, body: transfer.takeBody())
    }

    public func head(_ request: HTTPRequest, bytes: Int, maxRedirects: Int) async throws(TransportError) -> HTTPResponse {
        let transfer = Transfer(destination: .head(limit: Int64(bytes)), publicAddressesOnly: request.publicAddressesOnly)
        let outcome = try await perform(request, transfer: transfer) { (handle) throws(TransportError) in
            try handle.set(CURLOPT_FOLLOWLOCATION, 1)
            try handle.set(CURLOPT_MAXREDIRS, maxRedirects)
            try handle.set(CURLOPT_TIMEOUT_MS, request.timeout.milliseconds)
            try handle.set(CURLOPT_CONNECTTIMEOUT_MS, min(request.timeout.milliseconds, 10_000))
            try handle.set(CURLOPT_HTTP_CONTENT_DECODING, 0)  // the bytes as sent: a file's own first bytes
        }
        return HTTPResponse(status: outcome.status, headers: outcome.headers, body: transfer.takeBody())
    }

    public func download(_ request: HTTPRequest, into sink: FileSink, limits: DownloadLimits)
        async throws(TransportError) -> DownloadResponse
    {
        let transfer = Transfer(
            destination: .file(sink, limit: limits.maxBytes),
            publicAddressesOnly: limits.publicAddressesOnly)
        let outcome = try await perform(request, transfer: transfer) { (handle) throws(TransportError) in
            try handle.set(CURLOPT_FOLLOWLOCATION, 1)
            try handle.set(CURLOPT_MAXREDIRS, limits.maxRedirects)
            try handle.set(CURLOPT_CONNECTTIMEOUT_MS, limits.connectTimeout.milliseconds)
            try handle.set(CURLOPT_LOW_SPEED_LIMIT, limits.lowSpeedBytesPerSecond)
            try handle.set(CURLOPT_LOW_SPEED_TIME, max(1, Int(limits.lowSpeedWindow.components.seconds)))
            try handle.set(CURLOPT_MAXFILESIZE_LARGE, offset: limits.maxBytes)
            try handle.set(CURLOPT_TIMEOUT_MS, limits.totalTimeout.milliseconds)
            // Media is never asked for compressed, and a compressed answer is kept as sent: what is written (and
            // capped) is what came over the wire, so no small body can expand into a huge file.
            try handle.set(CURLOPT_HTTP_CONTENT_DECODING, 0)
        }
        return DownloadResponse(
            status: outcome.status, headers: outcome.headers, bytesReceived: transfer.bytesWritten,
            effectiveURL: outcome.effectiveURL)
    }

    // MARK: - Running a transfer

    private struct Outcome {
        var status: Int
        var headers: HTTPFields
        var effectiveURL: String
    }

    private func perform(
        _ request: HTTPRequest, transfer: Transfer, configure: (CurlHandle) throws(TransportError) -> Void
    ) async throws(TransportError) -> Outcome {
        guard let scheme = URL(string: request.url)?.scheme?.lowercased(), scheme == "http" || scheme == "https"
        else { throw .unsupportedScheme(Self.redacted(request.url)) }
        let handle = checkOutHandle()
        defer { checkIn(handle) }
        try handle.prepare(request, userAgent: userAgent, transfer: transfer)
        if let certificateAuthorities { try handle.set(CURLOPT_CAINFO, certificateAuthorities) }
        try configure(handle)

        let result: Result<Outcome, TransportError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                Blocking.perform {
                    let code = curl_easy_perform(handle.raw)
                    continuation.resume(returning: Self.finish(handle, code: code, transfer: transfer, request))
                }
            }
        } onCancel: {
            transfer.cancel()
        }
        return try result.get()
    }

    private static func finish(_ handle: CurlHandle, code: CURLcode, transfer: Transfer, _ request: HTTPRequest)
        -> Result<Outcome, TransportError>
    {
        handle.releaseRequestHeaders()
        transfer.settle()
        if let error = transfer.failure { return .failure(error) }
        switch code {
        case CURLE_OK,
            CURLE_WRITE_ERROR where transfer.hasHead:
            return .success(
                Outcome(
                    status: handle.responseCode, headers: transfer.headers,
                    effectiveURL: handle.effectiveURL ?? request.url))
        case CURLE_ABORTED_BY_CALLBACK:
            return .failure(.cancelled)
        case CURLE_UNSUPPORTED_PROTOCOL:
            return .failure(.unsupportedScheme(redacted(handle.effectiveURL ?? request.url)))
        case CURLE_TOO_MANY_REDIRECTS:
            return .failure(.tooManyRedirects(limit: handle.maxRedirects))
        case CURLE_FILESIZE_EXCEEDED:
            return .failure(.tooLarge(limit: transfer.limit))
        case CURLE_URL_MALFORMAT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT:
            return .failure(.notSent(handle.errorMessage(code)))
        default:
            return .failure(.interrupted(handle.errorMessage(code)))
        }
    }

    /// A URL with its query string dropped, for messages: signed CDN URLs carry credentials there.
    static func redacted(_ url: String) -> String {
        String(url.prefix { $0 != "?" && $0 != "#" })
    }

    private func checkOutHandle() -> CurlHandle {
        handles.withLock { $0.popLast() } ?? CurlHandle()
    }

    private func checkIn(_ handle: CurlHandle) {
        handle.reset()
        handles.withLock { pool in
            if pool.count < 16 { pool.append(handle) }
        }
    }
}

extension Duration {
    var milliseconds: Int {
        Int(components.seconds) * 1000 + Int(components.attoseconds / 1_000_000_000_000_000)
    }
}
