/// Why a transfer failed below HTTP. Messages never carry request headers, so secrets cannot leak through them.
public enum TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The request never left this machine (bad URL, name not resolved, connection refused): safe to retry anything.
    case notSent(String)
    /// The connection failed after the request may have reached the server (reset, timeout, truncated body).
    case interrupted(String)
    /// The response body went past the caller's cap.
    case tooLarge(limit: Int64)
    /// The URL's scheme is not http or https, or a redirect led to one that is not.
    case unsupportedScheme(String)
    case tooManyRedirects(limit: Int)
    /// The host resolved to a private, loopback or link-local address where only public ones are allowed. Which
    /// address is not said: the answer must not map a private network for whoever chose the URL.
    case privateAddress
    case cancelled

    public var description: String {
        switch self {
        case .notSent(let message): "request not sent: \(message)"
        case .interrupted(let message): "transfer interrupted: \(message)"
        case .tooLarge(let limit): "response larger than the \(limit)-byte limit"
        case .unsupportedScheme(let url): "only http and https URLs are fetched, not \(url)"
        case .tooManyRedirects(let limit): "more than \(limit) redirects"
        case .privateAddress: "the URL does not lead to a public internet address"
        case .cancelled: "transfer cancelled"
        }
    }

    /// False only when the request certainly did not reach the server.
    public var requestMayHaveBeenSent: Bool {
        if case .notSent = self { return false }
        if case .unsupportedScheme = self { return false }
        if case .privateAddress = self { return false }
        return true
    }
}
