import Foundation
import TestSupport

/// A loopback port that is free now, for a service that must keep its address across restarts. Drawn from below
/// the kernel's ephemeral range (32768-60999), so no service binding port 0 meanwhile can be handed it.
func freeLoopbackPort() throws -> Int {
    for _ in 0..<200 {
        let port = Int.random(in: 20000..<32000)
        if canBind(port: port) { return port }
    }
    throw CocoaError(.fileWriteUnknown)
}

private func canBind(port: Int) -> Bool {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    return withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
            bind(descriptor, socketAddress, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
        }
    }
}
