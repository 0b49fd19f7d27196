extension Sequence where Element == UInt8 {
    /// Lowercase hexadecimal, two digits a byte (SHA-256 digests, tokens).
    public var lowercaseHex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension StringProtocol {
    /// True for a SHA-256 digest as this project writes one: exactly 64 lowercase ASCII hex digits (the only form
    /// that names a stored file; anything else from outside is refused before it reaches a path or a query).
    public var isSHA256Hex: Bool {
        utf8.count == 64 && utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}
