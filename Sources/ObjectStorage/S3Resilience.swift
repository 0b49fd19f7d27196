import Foundation
import Synchronization
import Transport

/// How the object store's passing faults are ridden out: each call is tried up to `attempts` times when the store
/// answers 500/502/503/504 or 429 (`SlowDown`), or the connection fails, waiting `firstWait` doubling (with jitter)
/// between tries; after `tripAfter` calls in a row that failed even so, the circuit opens and calls fail at once for
/// `openFor` (a store that is down is not asked a thousand times a second), then one call at a time probes it.
public struct S3Resilience: Sendable {
    public var attempts = 3
    public var firstWait: Duration = .milliseconds(200)
    public var tripAfter = 5
    public var openFor: Duration = .seconds(15)

    public init() {}

    /// Whether a failed call may succeed if tried again: the store's own passing refusals and broken connections. S3
    /// operations are idempotent by key (a PUT of the same bytes, a ranged GET), so any of them may be repeated.
    public static func isTransient(_ error: any Error) -> Bool {
        switch error {
        case let refusal as S3Error: [429, 500, 502, 503, 504].contains(refusal.status)
        case let failure as TransportError:
            switch failure {
            case .notSent, .interrupted: true
            default: false
            }
        default: false
        }
    }
}

/// The circuit of one store, shared by every call through the client.
final class S3Circuit: Sendable {
    private struct State {
        var failuresInARow = 0
        var openUntil: ContinuousClock.Instant?
    }

    private let state = Mutex(State())

    /// Nil when calls may go; else until when the circuit is open.
    func openUntil(now: ContinuousClock.Instant = .now) -> ContinuousClock.Instant? {
        state.withLock { state in state.openUntil.flatMap { $0 > now ? $0 : nil } }
    }

    var isOpen: Bool { openUntil() != nil }

    func succeeded() { state.withLock { $0 = State() } }

    func failed(_ policy: S3Resilience) {
        state.withLock { state in
            state.failuresInARow += 1
            if state.failuresInARow >= policy.tripAfter { state.openUntil = .now + policy.openFor }
        }
    }
}

extension S3Client {
    /// Runs `call` under the client's resilience policy (retries with backoff, the circuit breaker).
    func resilient<T: Sendable>(_ what: String, _ call: () async throws -> T) async throws -> T {
        if circuit.openUntil() != nil {
            throw S3Error(
                status: 503, code: "CircuitOpen",
                message: "\(what): the object store failed \(resilience.tripAfter) calls in a row; asking again shortly")
        }
        var wait = resilience.firstWait
        for attempt in 1...max(1, resilience.attempts) {
            do {
                let result = try await call()
                circuit.succeeded()
                return result
            } catch  where S3Resilience.isTransient(error) && attempt < resilience.attempts {
                try await Task.sleep(for: wait * Double.random(in: 0.5...1))
                wait *= 2
            } catch {
                if S3Resilience.isTransient(error) { circuit.failed(resilience) } else { circuit.succeeded() }
                throw error
            }
        }
        throw S3Error(status: 503, code: "Unavailable", message: "\(what): no attempt was made")
    }
}
