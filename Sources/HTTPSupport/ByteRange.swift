import Foundation
import HTTPTypes
import Hummingbird

/// How to answer a request for a representation of `size` bytes, given its `Range` header (RFC 9110 §14).
public enum RangeDecision: Sendable, Equatable {
    /// No usable Range header (absent, another unit, malformed, or several ranges): send everything, 200.
    case full
    /// One satisfiable range, already clamped to the representation: 206.
    case partial(ClosedRange<Int64>)
    /// A well-formed range that no byte of the representation satisfies: 416 with `Content-Range: bytes */size`.
    case unsatisfiable

    /// Decides for one `Range` header value. Multiple ranges are answered with the full representation, which
    /// RFC 9110 allows and every video player copes with.
    public init(rangeHeader: String?, size: Int64) {
        guard let header = rangeHeader?.trimmingCharacters(in: .whitespaces),
            header.lowercased().hasPrefix("bytes=")
        else {
            self = .full
            return
        }
        let specs = header.dropFirst(6).split(separator: ",", omittingEmptySubsequences: false)
        guard specs.count == 1, let spec = RangeSpec(String(specs[0])) else {
            self = .full
            return
        }
        self = spec.resolve(size: size)
    }
}

private enum RangeSpec {
    case bounded(first: Int64, last: Int64)
    case from(first: Int64)
    case suffix(length: Int64)

    init?(_ text: String) {
        let text = text.trimmingCharacters(in: .whitespaces)
        guard let dash = text.firstIndex(of: "-") else { return nil }
        let first = text[..<dash]
        let last = text[text.index(after: dash)...]
        guard first.allSatisfy(\.isASCIIDigit), last.allSatisfy(\.isASCIIDigit), first.count <= 18, last.count <= 18
        else { return nil }
        switch (Int64(first), Int64(last)) {
        case (let first?, let last?) where first <= last: self = .bounded(first: first, last: last)
        case (let first?, nil) where last.isEmpty: self = .from(first: first)
        case (nil, let length?) where first.isEmpty: self = .suffix(length: length)
        default: return nil
        }
    }

    func resolve(size: Int64) -> RangeDecision {
        switch self {
        case .bounded(let first, let last):
            first < size ? .partial(first...min(last, size - 1)) : .unsatisfiable
        case .from(let first):
            first < size ? .partial(first...(size - 1)) : .unsatisfiable
        case .suffix(let length):
            length > 0 && size > 0 ? .partial(max(0, size - length)...(size - 1)) : .unsatisfiable
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

extension HTTPFields {
    /// Sets the headers of a ranged answer: Content-Length, Content-Range, Accept-Ranges.
    public mutating func setRange(_ decision: RangeDecision, size: Int64) {
        self[.acceptRanges] = "bytes"
        switch decision {
        case .full:
            self[.contentLength] = String(size)
        case .partial(let range):
            self[.contentLength] = String(range.count)
            self[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(size)"
        case .unsatisfiable:
            self[.contentLength] = "0"
            self[.contentRange] = "bytes */\(size)"
        }
    }
}

extension RangeDecision {
    public var status: HTTPResponse.Status {
        switch self {
        case .full: .ok
        case .partial: .partialContent
        case .unsatisfiable: .rangeNotSatisfiable
        }
    }

    /// The byte range to send for a representation of `size` bytes; nil when nothing is sent.
    public func bytes(size: Int64) -> ClosedRange<Int64>? {
        switch self {
        case .full: size > 0 ? 0...(size - 1) : nil
        case .partial(let range): range
        case .unsatisfiable: nil
        }
    }
}
