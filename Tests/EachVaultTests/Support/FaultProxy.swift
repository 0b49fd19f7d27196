import Foundation
import Synchronization
import TestSupport

/// A TCP forwarder on loopback in front of a real server (PostgreSQL, the S3 server), for fault tests: it passes
/// bytes both ways until told to black-hole the network (every connection stays open and nothing moves, new ones are
/// accepted and held: what a dropped route or a dead switch looks like) or to reset it (every connection, open or
/// new, is cut with a TCP reset: a server that crashed or a load balancer with nothing behind it), and passes them
/// again when told.
final class FaultProxy: @unchecked Sendable {
    let port: Int
    private let upstream: Int
    private let listener: Int32
    private static let (passing, blackHoled, resetting) = (0, 1, 2)
    private let mode = Atomic<Int>(FaultProxy.passing)
    private let stopped = Atomic<Bool>(false)

    init(upstreamPort: Int) throws {
        upstream = upstreamPort
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = Self.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 128) == 0 else {
            close(listener)
            throw POSIXError(.EADDRINUSE)
        }
        var local = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        self.listener = listener
        port = Int(UInt16(bigEndian: local.sin_port))
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    deinit { stop() }

    /// Nothing moves until `restore()`.
    func blackHole() { mode.store(Self.blackHoled, ordering: .relaxed) }
    /// Every connection is reset until `restore()`.
    func reset() { mode.store(Self.resetting, ordering: .relaxed) }
    func restore() { mode.store(Self.passing, ordering: .relaxed) }

    func stop() {
        guard !stopped.exchange(true, ordering: .relaxed) else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return address
    }

    private func acceptLoop() {
        while !stopped.load(ordering: .relaxed) {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            if mode.load(ordering: .relaxed) == Self.resetting {
                Self.resetOnClose(client)
                close(client)
                continue
            }
            let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = Self.loopback(port: upstream)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
            guard connected else {
                close(client)
                close(server)
                continue
            }
            Thread.detachNewThread { [self] in pump(client, server) }
        }
    }

    /// Copies bytes both ways while passing; holds both connections still while black-holed; ends when either side
    /// closes or the proxy stops.
    private func pump(_ client: Int32, _ server: Int32) {
        defer {
            close(client)
            close(server)
        }
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        var descriptors = [pollfd(fd: client, events: Int16(POLLIN), revents: 0), pollfd(fd: server, events: Int16(POLLIN), revents: 0)]
        while !stopped.load(ordering: .relaxed) {
            switch mode.load(ordering: .relaxed) {
            case Self.blackHoled:
                usleep(50_000)
                continue
            case Self.resetting:
                Self.resetOnClose(client)
                Self.resetOnClose(server)
                return  // closed by the pump's end
            default: break
            }
            descriptors[0].revents = 0
            descriptors[1].revents = 0
            guard poll(&descriptors, 2, 100) >= 0 else { return }
            for (from, to) in [(0, 1), (1, 0)] where descriptors[from].revents != 0 {
                let read = recv(descriptors[from].fd, &buffer, buffer.count, 0)
                guard read > 0 else { return }
                var sent = 0
                while sent < read {
                    let wrote = buffer.withUnsafeBytes {
                        send(descriptors[to].fd, $0.baseAddress! + sent, read - sent, Int32(MSG_NOSIGNAL))
                    }
                    guard wrote > 0 else { return }
                    sent += wrote
                }
            }
        }
    }

    /// Makes closing `socket` a reset rather than an orderly end (a zero linger time).
    private static func resetOnClose(_ socket: Int32) {
        var abort = linger(l_onoff: 1, l_linger: 0)
        setsockopt(socket, SOL_SOCKET, SO_LINGER, &abort, socklen_t(MemoryLayout<linger>.size))
    }
}
