@testable import StorePostgres
import Foundation
import Synchronization
import TestSupport
import Testing

/// The probe that tells a stopped or unreachable PostgreSQL from a busy one, against listeners on loopback that
/// answer PostgreSQL's `SSLRequest` as scripted: a refusal is "gone" at once, silence only when a second, more
/// patient probe is silent too, and a statement just answered is evidence enough without a probe.
/// The probes' waits add up to about 40 s; the limit only catches a hang. `make test` runs this suite in a process
/// of its own: beside the whole suite and two CPU hogs (the stressed clean-clone run of 92bf469) the scripted
/// listener's thread missed even a 6 s wait.
@Suite(.timeLimit(.minutes(4))) struct ServerProbeTests {
    /// Probes four times as patient as the service's (4 s, then 12 s): the stressed clean-clone run of ae4eeb1 saw
    /// the scripted listener's second answer miss a 3 s wait. The verdicts tested do not depend on the length of
    /// the waits.
    static func probe(port: Int) throws -> ServerProbe {
        ServerProbe(try PostgresLocation(url: "postgres://vault@127.0.0.1:\(port)/vault"), timeout: .seconds(4))
    }

    @Test func aServerThatAnswersIsThereAndARefusedPortIsGone() async throws {
        let listener = try ScriptedListener(answers: [true])
        let there = try Self.probe(port: listener.port)
        #expect(await there.serverAnswers())
        #expect(listener.connections == 1)
        let gone = try Self.probe(port: try freeLoopbackPort())
        #expect(!(await gone.serverAnswers()))
    }

    @Test func silenceIsGoneOnlyWhenTheSecondMorePatientProbeMeetsSilenceToo() async throws {
        let slowToStart = try ScriptedListener(answers: [false, true])
        let slow = try Self.probe(port: slowToStart.port)
        #expect(await slow.serverAnswers(), "the second probe was answered")
        #expect(slowToStart.connections == 2)

        let blackHole = try ScriptedListener(answers: [false, false])
        let probe = try Self.probe(port: blackHole.port)
        #expect(!(await probe.serverAnswers()))
        #expect(blackHole.connections == 2)
        #expect(!(await probe.serverAnswers()), "asked again, still gone")
    }

    @Test func aStatementJustAnsweredIsEvidenceWithoutAProbe() async throws {
        let probe = try Self.probe(port: try freeLoopbackPort())  // nothing listens: a probe would say gone
        probe.heard()
        #expect(await probe.serverAnswers())
        #expect(probe.serverAnswersNow())
    }
}

/// A listener on loopback whose n-th connection answers `SSLRequest` with `N` (as a server without TLS does) when
/// `answers[n]` is true, and stays silent (open, never answering) when it is false or beyond the script.
private final class ScriptedListener: Sendable {
    let port: Int
    private let listener: Int32
    private let accepted = Accepted()
    var connections: Int { accepted.sockets.withLock { $0.count } }

    init(answers: [Bool]) throws {
        port = try freeLoopbackPort()
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
        let accepted = accepted
        Thread.detachNewThread {
            while true {
                let client = accept(listener, nil, nil)
                guard client >= 0 else { return }  // closed: the test is over
                let index = accepted.sockets.withLock {
                    $0.append(client); return $0.count - 1
                }
                // Answered at once, before the request is read: the probe reads its byte after sending.
                guard index < answers.count, answers[index] else { continue }
                _ = send(client, [UInt8(ascii: "N")], 1, Int32(MSG_NOSIGNAL))
            }
        }
    }

    deinit {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        accepted.sockets.withLock { $0.forEach { close($0) } }
    }

    /// The connections accepted so far, shared with the accepting thread.
    private final class Accepted: Sendable {
        let sockets = Mutex<[Int32]>([])
    }
}
