import Foundation
import TestSupport

/// A raw TCP connection to a port on loopback, for tests of what a misbehaving client does (a half-sent request, a
/// response never read). Its calls block: run them with `Blocking.run`, never on a cooperative thread. Used by one
/// task at a time.
final class LoopbackSocket: @unchecked Sendable {
    let descriptor: Int32

    /// - Parameter receiveBuffer: the kernel's receive buffer, set before connecting (a small one makes a client that
    ///   does not read stall the server quickly).
    init(port: Int, receiveBuffer: Int32? = nil) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        if var size = receiveBuffer {
            setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else {
            close(descriptor)
            throw POSIXError(.ECONNREFUSED)
        }
    }

    deinit { close(descriptor) }

    func send(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return Glibc.send(descriptor, bytes, bytes.count, Int32(MSG_NOSIGNAL)) == bytes.count  // no SIGPIPE once closed
    }

    /// What has arrived so far, without waiting.
    func available() -> String {
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        let read = recv(descriptor, &buffer, buffer.count, Int32(MSG_DONTWAIT))
        return read > 0 ? String(decoding: buffer[..<read], as: UTF8.self) : ""
    }

    /// Reads until the server closes the connection or nothing arrives for `timeout` seconds: the bytes read, and
    /// whether the server closed it (0 or a reset) rather than the timeout ending the wait.
    func drain(timeout seconds: Int) -> (bytes: Int, closedByServer: Bool) {
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        var total = 0
        while true {
            let read = recv(descriptor, &buffer, buffer.count, 0)
            if read > 0 {
                total += read
                continue
            }
            let failure = errno
            return (total, read == 0 || (failure != EAGAIN && failure != EWOULDBLOCK))
        }
    }
}
