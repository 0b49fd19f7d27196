import Foundation

/// Classifies the addresses libcurl is about to connect to.
enum IPAddress {
    /// True for a globally routable unicast address; false for loopback, private (RFC 1918, unique local),
    /// link-local (cloud metadata lives there), carrier-grade NAT, multicast, unspecified and reserved ranges, and
    /// for anything that does not parse. IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64 and 6to4)
    /// are judged by the IPv4 address they lead to.
    static func isPublic(_ text: String) -> Bool {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return isPublic(v4: withUnsafeBytes(of: &v4) { Array($0) }) }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return false }
        return isPublic(v6: withUnsafeBytes(of: &v6) { Array($0) })
    }

    /// The same judgement on a socket address as libcurl hands it over (`storage` holds `family`'s sockaddr).
    static func isPublic(socketAddress storage: UnsafeRawBufferPointer, family: Int32) -> Bool {
        switch family {
        case AF_INET where storage.count >= MemoryLayout<sockaddr_in>.size:
            let address = storage.loadUnaligned(as: sockaddr_in.self)
            return isPublic(v4: withUnsafeBytes(of: address.sin_addr) { Array($0) })
        case AF_INET6 where storage.count >= MemoryLayout<sockaddr_in6>.size:
            let address = storage.loadUnaligned(as: sockaddr_in6.self)
            return isPublic(v6: withUnsafeBytes(of: address.sin6_addr) { Array($0) })
        default:
            return false
        }
    }

    private static func isPublic(v6 bytes: [UInt8]) -> Bool {
        guard bytes.count == 16 else { return false }
        let prefix16 = UInt16(bytes[0]) << 8 | UInt16(bytes[1])
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
            return isPublic(v4: Array(bytes[12..<16]))  // ::ffff:a.b.c.d, IPv4-mapped
        }
        if bytes[0..<12].allSatisfy({ $0 == 0 }) {
            return bytes[12..<15].allSatisfy({ $0 == 0 }) ? false : isPublic(v4: Array(bytes[12..<16]))  // ::, ::1, ::a.b.c.d
        }
        if bytes[0..<12] == [0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0] {
            return isPublic(v4: Array(bytes[12..<16]))  // 64:ff9b::/96, NAT64
        }
        if prefix16 == 0x0064 && bytes[2] == 0xFF && bytes[3] == 0x9B { return false }  // 64:ff9b:1::/48, local NAT64
        if prefix16 == 0x2002 { return isPublic(v4: Array(bytes[2..<6])) }  // 2002::/16, 6to4
        if prefix16 == 0x2001 && bytes[2] == 0 && bytes[3] == 0 { return false }  // 2001::/32, Teredo
        if prefix16 == 0x2001 && bytes[2] == 0x0D && bytes[3] == 0xB8 { return false }  // 2001:db8::/32, documentation
        if prefix16 == 0x0100 && bytes[2..<8].allSatisfy({ $0 == 0 }) { return false }  // 100::/64, discard
        if bytes[0] & 0xFE == 0xFC { return false }  // fc00::/7 unique local
        if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80 { return false }  // fe80::/10 link-local
        if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0xC0 { return false }  // fec0::/10 site-local (deprecated)
        if bytes[0] == 0xFF { return false }  // multicast
        return bytes[0] & 0xE0 == 0x20  // 2000::/3 is the global unicast space; nothing else is assigned
    }

    private static func isPublic(v4 bytes: [UInt8]) -> Bool {
        guard bytes.count == 4 else { return false }
        let (a, b, c) = (bytes[0], bytes[1], bytes[2])
        switch a {
        case 0, 10, 127: return false
        case 100 where b & 0xC0 == 64: return false  // 100.64.0.0/10
        case 169 where b == 254: return false
        case 172 where b & 0xF0 == 16: return false
        case 192 where b == 168: return false
        case 192 where b == 0 && (c == 0 || c == 2): return false  // 192.0.0.0/24, 192.0.2.0/24
        case 192 where b == 88 && c == 99: return false  // 6to4 relay anycast
        case 198 where b & 0xFE == 18: return false  // 198.18.0.0/15 benchmarking
        case 198 where b == 51 && c == 100, 203 where b == 0 && c == 113: return false  // documentation
        case 224...255: return false  // multicast and reserved
        default: return true
        }
    }
}
