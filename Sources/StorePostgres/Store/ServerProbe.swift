import Dispatch
import Foundation
import Synchronization
import Transport

/// Whether the database server is there at all, asked outside the pool: a TCP connection and PostgreSQL's
/// `SSLRequest`, which a server (or a pooler in front of it) answers with one byte before any authentication. A
/// stopped server refuses the connection, a black-holed network answers nothing; either way within a few `timeout`s.
/// Used when a transaction waits for a connection, so a request is answered 503 in seconds instead of at the lease
/// deadline. One probe at a time; its verdict is reused for `reuse`.
///
/// A wrong "gone" turns a busy moment into 503s, so the verdict needs evidence both ways: any statement answered
/// within `reuse` (`heard()`) means the server is there and no probe is sent; a refused connection means gone at
/// once; silence means gone only when a second probe, three times as patient, is silent too (a SYN dropped by a full
/// accept queue is resent after a second, and a loaded host forks the server's backend slowly).
final class ServerProbe: Sendable {
    private let host: String
    private let port: Int
    private let timeout: Duration
    private let reuse: Duration
    private let verdict = Mutex<(answered: Bool, at: ContinuousClock.Instant)?>(nil)
    private let probing = Mutex<Task<Bool, Never>?>(nil)

    /// How long a "gone" verdict stands (unless a statement is answered first): a server that took two probes to
    /// judge is not asked again by every request of the next second.
    private let reuseGone: Duration = .seconds(2)

    init(_ location: PostgresLocation, timeout: Duration = .seconds(1), reuse: Duration = .seconds(1)) {
        host = location.host
        port = location.port
        self.timeout = timeout
        self.reuse = reuse
    }

    /// Evidence that the server is there: a statement was just answered.
    func heard() {
        verdict.withLock { $0 = (true, .now) }
    }

    /// True when the server answered a statement or a probe less than `reuse` ago, or answers a probe now.
    func serverAnswers() async -> Bool {
        if let recent = recentVerdict() { return recent }
        let task = probing.withLock { probing in
            if let running = probing { return running }
            let (host, port, timeout) = (host, port, timeout)
            let started = Task {
                let answered =
                    (try? await withDeadline(timeout * 9) {
                        try await Blocking.run { Self.confirmed(host: host, port: port, timeout: timeout) }
                    }) ?? false
                self.verdict.withLock { $0 = (answered, .now) }
                self.probing.withLock { $0 = nil }
                return answered
            }
            probing = started
            return started
        }
        return await task.value
    }

    /// The same question for a thread that may block (a statement's wait on the lane): the recent verdict, or the
    /// one probe in flight, waited for on this thread (it ends within `timeout` nine times over).
    func serverAnswersNow() -> Bool {
        if let recent = recentVerdict() { return recent }
        let pending = PendingAnswer()
        Task {
            let verdict = await self.serverAnswers()
            pending.answer.withLock { $0 = verdict }
            pending.done.signal()
        }
        _ = pending.done.wait(timeout: .now() + (timeout * 10).nanosecondInterval)
        return pending.answer.withLock { $0 } ?? false
    }

    private func recentVerdict() -> Bool? {
        guard let recent = verdict.withLock({ $0 }) else { return nil }
        return ContinuousClock.now - recent.at < (recent.answered ? reuse : reuseGone) ? recent.answered : nil
    }

    /// The question for a wait for a connection: asked after half a second (at once while the server is
    /// suspected down), hopeless when the server does not answer.
    func check(suspect: Bool) -> EarlyCheck {
        EarlyCheck(after: suspect ? .zero : .milliseconds(500)) { await !self.serverAnswers() }
    }

    /// One probe, and a second, more patient one when the first met silence rather than a refusal (the server
    /// forks a backend to answer, which a loaded host may take seconds to do).
    private static func confirmed(host: String, port: Int, timeout: Duration) -> Bool {
        switch exchange(host: host, port: port, timeout: timeout) {
        case .answered: true
        case .refused: false
        case .silent: exchange(host: host, port: port, timeout: timeout * 3) == .answered
        }
    }

    private enum Reply { case answered, refused, silent }

    /// Connects and sends `SSLRequest`: answered when one byte (`S` or `N`) comes back in time.
    private static func exchange(host: String, port: Int, timeout: Duration) -> Reply {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &found) == 0, let address = found else { return .refused }
        defer { freeaddrinfo(found) }
        let socket = Glibc.socket(address.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard socket >= 0 else { return .silent }
        defer { close(socket) }
        let milliseconds = Int32(clamping: min(timeout.components.seconds, 1_000_000) * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        if connect(socket, address.pointee.ai_addr, address.pointee.ai_addrlen) != 0 {
            guard errno == EINPROGRESS else { return .refused }
            guard wait(socket, for: Int16(POLLOUT), milliseconds) else { return .silent }
            var failure: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            guard getsockopt(socket, SOL_SOCKET, SO_ERROR, &failure, &length) == 0, failure == 0 else { return .refused }
        }
        // SSLRequest: length 8, then the code 80877103, both big-endian.
        let request: [UInt8] = [0, 0, 0, 8, 0x04, 0xD2, 0x16, 0x2F]
        guard request.withUnsafeBytes({ send(socket, $0.baseAddress, 8, Int32(MSG_NOSIGNAL)) }) == 8 else { return .refused }
        guard wait(socket, for: Int16(POLLIN), milliseconds) else { return .silent }
        var reply: UInt8 = 0
        let answered = recv(socket, &reply, 1, 0) == 1 && (reply == UInt8(ascii: "S") || reply == UInt8(ascii: "N"))
        return answered ? .answered : .refused
    }

    private static func wait(_ socket: Int32, for events: Int16, _ milliseconds: Int32) -> Bool {
        var descriptor = pollfd(fd: socket, events: events, revents: 0)
        return poll(&descriptor, 1, milliseconds) == 1 && descriptor.revents & events != 0
    }
}

/// A probe's verdict handed to a blocked thread.
private final class PendingAnswer: Sendable {
    let answer = Mutex<Bool?>(nil)
    let done = DispatchSemaphore(value: 0)
}
