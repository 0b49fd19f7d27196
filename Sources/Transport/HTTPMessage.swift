import Foundation

/// An outbound HTTP request. Header values may hold secrets (the provider key): they are sent, never logged or
/// copied into errors.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: Data?
    /// A file to stream as the body instead of `body` (uploads: the bytes are read from disk as they are sent,
    /// never held in memory).
    public var bodyFile: URL?
    /// Whole-transfer time limit; downloads use `DownloadLimits` instead.
    public var timeout: Duration

    public init(
        method: String = "GET", url: String, headers: [(name: String, value: String)] = [], body: Data? = nil,
        bodyFile: URL? = nil, timeout: Duration = .seconds(30)
    ) {
        self.bodyFile = bodyFile
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

/// Response headers with case-insensitive lookup; the last value wins for repeated names.
public struct HTTPHeaderFields: Sendable {
    private var fields: [String: String] = [:]

    public init() {}

    public subscript(name: String) -> String? {
        get { fields[name.lowercased()] }
        set { fields[name.lowercased()] = newValue }
    }

    /// Parses one raw header line as delivered by libcurl (`Name: value\r\n`); status lines are ignored.
    mutating func add(rawLine: String) {
        guard let colon = rawLine.firstIndex(of: ":") else { return }
        let name = rawLine[..<colon].trimmingCharacters(in: .whitespaces)
        let value = rawLine[rawLine.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
        self[name] = value
    }
}

/// A buffered response (API calls, whose bodies are small).
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaderFields
    public var body: Data

    public init(status: Int, headers: HTTPHeaderFields = HTTPHeaderFields(), body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The longest `Retry-After` honoured: the header comes from outside, and an absurd wait must not stall work.
    public static let maxRetryAfterSeconds = 3600.0

    /// `Retry-After` in seconds (the delta form; an HTTP date is converted relative to now), at most an hour.
    public var retryAfter: Duration? {
        guard let value = headers["Retry-After"] else { return nil }
        if let seconds = Double(value), seconds >= 0 {
            return .seconds(clamping: seconds, limit: Self.maxRetryAfterSeconds)
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return .seconds(clamping: date.timeIntervalSinceNow, limit: Self.maxRetryAfterSeconds)
    }
}
