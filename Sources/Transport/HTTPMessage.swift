import Foundation
import HTTPTypes

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
    /// Only these bytes of `bodyFile` (one part of a multipart upload); nil: the whole file.
    public var bodyFileRange: Range<Int64>?
    /// Whole-transfer time limit; downloads use `DownloadLimits` instead.
    public var timeout: Duration
    /// Only public internet addresses may be connected to (a URL a team supplied: an outgoing webhook endpoint).
    public var publicAddressesOnly = false

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

extension HTTPFields {
    /// Adds one raw header line as delivered by libcurl (`Name: value\r\n`); status lines and names that are not
    /// tokens are ignored. Repeated fields are all kept.
    mutating func append(rawLine: String) {
        guard let colon = rawLine.firstIndex(of: ":"),
            let name = HTTPField.Name(rawLine[..<colon].trimmingCharacters(in: .whitespaces))
        else { return }
        append(HTTPField(name: name, value: rawLine[rawLine.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)))
    }
}

/// A buffered response (API calls, whose bodies are small).
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: HTTPFields
    public var body: Data

    public init(status: Int, headers: HTTPFields = HTTPFields(), body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The longest `Retry-After` honoured: the header comes from outside, and an absurd wait must not stall work.
    public static let maxRetryAfterSeconds = 3600.0

    /// `Retry-After` in seconds (the delta form; an HTTP date is converted relative to now), at most an hour.
    public var retryAfter: Duration? {
        guard let value = headers[.retryAfter] else { return nil }
        if let seconds = Double(value), seconds >= 0 {
            return .seconds(clamping: seconds, limit: Self.maxRetryAfterSeconds)
        }
        guard let date = try? Date(value, strategy: Self.httpDate.parseStrategy) else { return nil }
        return .seconds(clamping: date.timeIntervalSinceNow, limit: Self.maxRetryAfterSeconds)
    }

    /// RFC 9110's IMF-fixdate, `Sun, 06 Nov 1994 08:49:37 GMT` (this Foundation has no `Date.HTTPFormatStyle`).
    public static let httpDate = Date.VerbatimFormatStyle(
        format: """
            \(weekday: .abbreviated), \(day: .twoDigits) \(month: .abbreviated) \(year: .defaultDigits) \
            \(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits):\(second: .twoDigits) GMT
            """,
        locale: Locale(identifier: "en_US_POSIX"), timeZone: .gmt, calendar: Calendar(identifier: .gregorian))
}
