/// RFC 9110 syntax for values that come from outside and may end up in a header or drive a transfer: media types
/// (§8.3.1), tokens (§5.6.2), field values (§5.5) and `Content-Range` (§14.4). A value that fails here is refused
/// where it enters, never sent on.
public enum HTTPSyntax {
    /// The lowercased `type/subtype` of a `Content-Type` value (parameters dropped), or nil when it is not one:
    /// both parts must be non-empty tokens of at most 127 characters.
    public static func mediaTypeEssence(of value: some StringProtocol) -> String? {
        let essence = value.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let parts = essence.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: [" ", "\t"]) }
        guard parts.count == 2, parts.allSatisfy({ $0.utf8.count <= 127 && isToken($0) }) else { return nil }
        return (parts[0] + "/" + parts[1]).lowercased()
    }

    /// True for a non-empty `token`: the syntax of header names and of media type parts.
    public static func isToken(_ value: some StringProtocol) -> Bool {
        !value.isEmpty && value.utf8.allSatisfy(isTokenByte)
    }

    /// True when `value` may stand in a header field: no CR, LF, NUL or other control byte but horizontal tab.
    public static func isFieldValue(_ value: some StringProtocol) -> Bool {
        value.utf8.allSatisfy { $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7f) }
    }

    /// The first byte position of a `Content-Range: bytes first-last/size` answer, or nil when it is not one.
    public static func contentRangeStart(_ value: String) -> Int64? {
        guard value.utf8.starts(with: "bytes ".utf8) || value.utf8.starts(with: "BYTES ".utf8) else { return nil }
        let range = value.utf8.dropFirst(6).prefix { $0 != UInt8(ascii: "-") }
        return Int64(String(decoding: range, as: UTF8.self).trimmingCharacters(in: .whitespaces))
    }

    /// `tchar` of RFC 9110 §5.6.2.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }
}
