import Foundation
import HTTPTypes

/// Limits on one download.
public struct DownloadLimits: Sendable {
    public var maxBytes: Int64
    public var maxRedirects: Int
    public var connectTimeout: Duration
    /// A transfer slower than `lowSpeedBytesPerSecond` for `lowSpeedWindow` is abandoned (a stalled CDN).
    public var lowSpeedBytesPerSecond: Int
    public var lowSpeedWindow: Duration
    /// Only public internet addresses may be connected to, redirects included (a URL a user supplied must not reach
    /// this machine's or its network's private services). Decided for every address before its socket connects;
    /// proxies from the environment are not used for such transfers.
    public var publicAddressesOnly: Bool
    /// The whole transfer's deadline: a server dripping just above `lowSpeedBytesPerSecond` cannot hold a worker
    /// longer than this.
    public var totalTimeout: Duration

    public init(
        maxBytes: Int64 = 4 << 30, maxRedirects: Int = 5, connectTimeout: Duration = .seconds(15),
        lowSpeedBytesPerSecond: Int = 1024, lowSpeedWindow: Duration = .seconds(30), publicAddressesOnly: Bool = false,
        totalTimeout: Duration = .seconds(2 * 3600)
    ) {
        self.publicAddressesOnly = publicAddressesOnly
        self.totalTimeout = totalTimeout
        self.maxBytes = maxBytes
        self.maxRedirects = maxRedirects
        self.connectTimeout = connectTimeout
        self.lowSpeedBytesPerSecond = lowSpeedBytesPerSecond
        self.lowSpeedWindow = lowSpeedWindow
    }
}

/// What a download answered. The body went to the sink only when `status` is 2xx.
public struct DownloadResponse: Sendable {
    public var status: Int
    public var headers: HTTPFields
    /// Body bytes written to the sink by this transfer.
    public var bytesReceived: Int64
    /// The final URL after redirects.
    public var effectiveURL: String
}

/// The one door to outbound HTTP: provider API calls and output downloads.
public protocol HTTPTransport: Sendable {
    /// Sends a request and buffers the response body (at most `maxBodyBytes`).
    func send(_ request: HTTPRequest, maxBodyBytes: Int) async throws(TransportError) -> HTTPResponse

    /// The first `bytes` bytes of a response body (fewer when it is shorter), following at most `maxRedirects`
    /// redirects: what a file is, read without fetching all of it.
    func head(_ request: HTTPRequest, bytes: Int, maxRedirects: Int) async throws(TransportError) -> HTTPResponse

    /// Streams a response body into `sink` (only for a 2xx answer), following redirects within `limits`.
    func download(_ request: HTTPRequest, into sink: FileSink, limits: DownloadLimits)
        async throws(TransportError) -> DownloadResponse
}

extension HTTPTransport {
    public func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
        try await send(request, maxBodyBytes: 8 << 20)
    }
}
