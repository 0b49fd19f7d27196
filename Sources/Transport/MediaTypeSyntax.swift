/// RFC 9110 syntax for values that come from outside and may end up in a header: media types (§8.3.1) and
/// header field values (§5.5). A value that fails here is refused where it enters, never sent on.
public enum MediaTypeSyntax {
    /// The lowercased `type/subtype` of a `Content-Type` value (parameters dropped), or nil when it is not one:
    /// both parts must be non-empty tokens of at most 127 characters.
    public static func essence(of value: some StringProtocol) -> String? {
        let essence = value.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let parts = essence.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        let trimmed = parts.map { $0.drop { $0 == 0x20 || $0 == 0x09 }.reversed().drop { $0 == 0x20 || $0 == 0x09 } }
        guard trimmed.count == 2, trimmed.allSatisfy({ (1...127).contains($0.count) && $0.allSatisfy(isTokenByte) })
        else { return nil }
        return String(decoding: trimmed[0].reversed() + [UInt8(ascii: "/")] + trimmed[1].reversed(), as: UTF8.self)
            .lowercased()
    }

    /// True when `value` may stand in a header field: no CR, LF, NUL or other control byte but horizontal tab.
    public static func isFieldValue(_ value: some StringProtocol) -> Bool {
        value.utf8.allSatisfy { $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7f) }
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
