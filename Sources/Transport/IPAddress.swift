import Foundation

/// Classifies the textual IP addresses libcurl reports.
enum IPAddress {
    /// True for a globally routable unicast address; false for loopback, private (RFC 1918, unique local),
    /// link-local (cloud metadata lives there), carrier-grade NAT, multicast, unspecified and reserved ranges, and
    /// for anything that does not parse.
    static func isPublic(_ text: String) -> Bool {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return isPublic(v4: withUnsafeBytes(of: &v4) { Array($0) }) }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return false }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
            return isPublic(v4: Array(bytes[12..<16]))  // an IPv4-mapped address
        }
        if bytes[0..<15].allSatisfy({ $0 == 0 }) { return false }  // :: and ::1
        if bytes[0] & 0xFE == 0xFC { return false }  // fc00::/7 unique local
        if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80 { return false }  // fe80::/10 link-local
        if bytes[0] == 0xFF { return false }  // multicast
        return true
    }

    private static func isPublic(v4 bytes: [UInt8]) -> Bool {
        let (a, b) = (bytes[0], bytes[1])
        switch a {
        case 0, 10, 127: return false
        case 100 where b & 0xC0 == 64: return false  // 100.64.0.0/10
        case 169 where b == 254: return false
        case 172 where b & 0xF0 == 16: return false
        case 192 where b == 168: return false
        case 192 where b == 0 && bytes[2] == 0: return false  // 192.0.0.0/24
        case 198 where b & 0xFE == 18: return false  // 198.18.0.0/15 benchmarking
        case 224...255: return false  // multicast and reserved
        default: return true
        }
    }
}
