import Transport

/// Why a provider call failed. Descriptions never contain the API key.
public enum ProviderError: Error, Sendable, Equatable, CustomStringConvertible {
    case unauthorized
    case notFound(String)
    case badRequest(String)
    case rateLimited(retryAfter: Duration?)
    case server(status: Int, message: String)
    case transport(TransportError)
    case malformedResponse(String)

    public var description: String {
        switch self {
        case .unauthorized: "the provider rejected the API key (401)"
        case .notFound(let message): "not found at the provider: \(message)"
        case .badRequest(let message): "the provider rejected the request: \(message)"
        case .rateLimited(let retryAfter):
            "rate limited by the provider" + (retryAfter.map { " (retry after \($0.components.seconds) s)" } ?? "")
        case .server(let status, let message): "provider error \(status): \(message)"
        case .transport(let error): "cannot reach the provider: \(error)"
        case .malformedResponse(let message): "unexpected answer from the provider: \(message)"
        }
    }

    /// Worth trying again later: rate limits, server errors, network trouble.
    public var isTransient: Bool {
        switch self {
        case .rateLimited, .server, .transport, .malformedResponse: true
        case .unauthorized, .notFound, .badRequest: false
        }
    }

    /// For a create: could the provider have started (and billed) a prediction despite this error? Only when the
    /// request may have arrived and no definite answer came back: a lost connection, an unreadable answer, or a
    /// gateway (502, 504) that gave up waiting on a backend which may have gone on.
    public var createMayHaveSucceeded: Bool {
        switch self {
        case .transport(let error): error.requestMayHaveBeenSent
        case .malformedResponse: true
        case .server(let status, _): status == 502 || status == 504
        default: false
        }
    }

    /// A short stable code for records and metrics.
    public var code: String {
        switch self {
        case .unauthorized: "provider_unauthorized"
        case .notFound: "provider_not_found"
        case .badRequest: "provider_bad_request"
        case .rateLimited: "provider_rate_limited"
        case .server: "provider_server_error"
        case .transport: "provider_unreachable"
        case .malformedResponse: "provider_malformed_response"
        }
    }
}
