import Dispatch
import Foundation
import Logging
import PostgresNIO
import Storage
import Synchronization
import Transport

/// PostgreSQL as an `SQLSession`: statements on one connection, run from a thread of the database lane (the
/// archive's logic, shared with SQLite, is synchronous). Every statement has a deadline: one that is not answered in
/// time closes its connection (the server, a lost network or a stalled peer cannot hold a thread for ever) and
/// fails as `StoreUnavailable`, as does a lost connection.
final class PostgresSession: SQLSession {
    private let connection: PostgresConnection
    private let logger: Logger
    private let deadline: Duration
    private let probe: ServerProbe
    private(set) var changedRows = 0

    /// How long a statement waits before the server is asked whether it is there at all.
    static let probeAfter: Duration = .milliseconds(500)
    static let probeEvery: Duration = .seconds(1)

    init(_ connection: PostgresConnection, deadline: Duration, probe: ServerProbe, logger: Logger) {
        self.connection = connection
        self.deadline = deadline
        self.probe = probe
        self.logger = logger
    }

    func execute(_ sql: SQLText) throws {
        changedRows = try run(sql).metadata.rows ?? 0
    }

    func lock(generation id: String) throws {
        try execute("SELECT 1 FROM generations WHERE id = \(id) FOR UPDATE")
    }

    func lockedGeneration(id: String) throws -> Generation? {
        try fetchOne(Generation.self, "SELECT * FROM generations WHERE id = \(id) FOR UPDATE")
    }

    func lock(request key: String) throws {
        try execute("SELECT pg_advisory_xact_lock(hashtextextended(\(key), 0))")
    }

    func rows(_ sql: SQLText) throws -> [SQLRow] {
        let result = try run(sql)
        changedRows = result.metadata.rows ?? 0
        return try PostgresSQL.rows(result.rows)
    }

    /// Opens the transaction. `BEGIN` does nothing on the server, so a connection that does not answer it within
    /// `beginDeadline` is dead (its server side ended while it sat in the pool, which postgres-nio may not notice:
    /// the socket stays in CLOSE-WAIT): closed, and reported as lost, so the transaction is run again on another
    /// connection.
    func begin(within beginDeadline: Duration) throws {
        do {
            _ = try run("BEGIN", deadline: beginDeadline)
        } catch let outage as StoreUnavailable where outage.reason == .timedOut {
            throw StoreUnavailable(.unreachable, detail: "PostgreSQL: a pooled connection did not answer BEGIN")
        }
    }

    private func run(_ sql: SQLText, deadline: Duration? = nil) throws
        -> PostgresQueryResult
    {
        let deadline = deadline ?? self.deadline
        let answer = connection.query(PostgresSQL.query(sql), logger: logger)
        let outcome = Mutex<Result<PostgresQueryResult, any Error>?>(nil)
        let answered = DispatchSemaphore(value: 0)
        answer.whenComplete { result in
            outcome.withLock { $0 = result }
            answered.signal()
        }
        // Most answers come at once; one that does not after half a second asks whether the server is there (a
        // stopped server or a black-holed network is then an answer in about a second, not at the deadline).
        // It is asked again every second while the wait lasts.
        let started = DispatchTime.now()
        let end = started + deadline.nanosecondInterval
        var next = started + Self.probeAfter.nanosecondInterval
        while answered.wait(timeout: min(next, end)) == .timedOut {
            let gone = DispatchTime.now() < end && !probe.serverAnswersNow()
            if gone || DispatchTime.now() >= end {
                _ = connection.close() as EventLoopFuture<Void>  // fails the statement; the pool replaces the connection
                throw gone
                    ? StoreUnavailable(.unreachable, detail: "PostgreSQL: the server does not answer")
                    : StoreUnavailable(.timedOut, detail: "PostgreSQL: no answer within \(deadline)")
            }
            next = DispatchTime.now() + Self.probeEvery.nanosecondInterval
        }
        switch outcome.withLock({ $0 }) {
        case .success(let result):
            probe.heard()
            return result
        case .failure(let error as PSQLError): throw PostgresFailure.classify(error)
        case .failure(let error): throw error
        case nil: throw StoreUnavailable(.unreachable, detail: "PostgreSQL: the statement ended without an answer")
        }
    }
}

extension PostgresArchive {
    /// Runs `work` in one transaction on one connection, on a thread of the database lane (at most eight at a
    /// time per instance, as for SQLite): committed when it returns, rolled back when it throws. A connection not had
    /// within `leaseDeadline` (the server is down or every connection is busy) fails as `StoreUnavailable`. A
    /// connection lost before `COMMIT` was sent (a server restart, a session ended by an administrator) rolled the
    /// transaction back: it is run again on another connection (six tries in all, 0.1 s apart doubling: a restart
    /// can leave the pool holding several dead connections, each found only when used), so callers see nothing of it.
    func write<T: Sendable>(_ work: @escaping @Sendable (PostgresSession) throws -> T) async throws -> T {
        do {
            var attempt = 1
            var pause: Duration = .milliseconds(100)
            while true {
                do {
                    let result = try await transaction(work)
                    outage.cleared()
                    return result
                } catch let lost as LostBeforeCommit where attempt < 6 {
                    // A moment for the pool to drop the dead connection, which it might otherwise lease again.
                    logger.notice("a transaction lost its connection before committing; running it again", metadata: ["cause": "\(lost.cause)"])
                    attempt += 1
                    try await Task.sleep(for: pause)
                    pause *= 2
                }
            }
        } catch let lost as LostBeforeCommit {
            outage.suspect()
            throw lost.cause
        } catch let error as StoreUnavailable where error.reason != .diskFull {
            outage.suspect()
            throw error
        }
    }

    static let beginDeadline: Duration = .seconds(5)

    private func transaction<T: Sendable>(_ work: @escaping @Sendable (PostgresSession) throws -> T) async throws -> T {
        let (deadline, logger, lane, client, probe) = (statementDeadline, logger, lane, client, probe)
        let limit = outage.isSuspect ? suspectLeaseDeadline : leaseDeadline
        return try await Self.leasing(within: limit, check: probe.check(suspect: outage.isSuspect)) { leased in
            try await client.withConnection { connection in
                try leased()
                return try await lane.run {
                    let session = PostgresSession(connection, deadline: deadline, probe: probe, logger: logger)
                    var committing = false
                    do {
                        try session.begin(within: Self.beginDeadline)
                        let result = try work(session)
                        committing = true
                        try session.execute("COMMIT")
                        return result
                    } catch let outage as StoreUnavailable where outage.reason == .unreachable && !committing {
                        throw LostBeforeCommit(cause: outage)
                    } catch {
                        if !committing { try? session.execute("ROLLBACK") }
                        throw error
                    }
                }
            }
        }
    }

    /// Runs `work` in a read-only transaction (one snapshot for all its statements).
    func read<T: Sendable>(_ work: @escaping @Sendable (PostgresSession) throws -> T) async throws -> T {
        try await write { session in
            try session.execute("SET TRANSACTION READ ONLY")
            return try work(session)
        }
    }

    /// `body`, or `StoreUnavailable(.timedOut)` when it has not been leased a connection within `limit` (the lease
    /// is cancelled), or `.unreachable` as soon as `check` finds the server gone. Once leased, the transaction is
    /// bounded by its statements' deadlines: a deadline that fired then would report a transaction that goes on,
    /// and may commit, as failed. `body` calls `leased` when it has its connection, which throws when the deadline
    /// came first.
    private static func leasing<T: Sendable>(
        within limit: Duration, check: EarlyCheck,
        _ body: @escaping @Sendable (_ leased: @escaping @Sendable () throws -> Void) async throws -> T
    ) async throws -> T {
        let lease = LeaseState()
        do {
            return try await withDeadline(limit, expiring: { lease.expire() }, check: check) {
                try await body { guard lease.take() else { throw CancellationError() } }
            }
        } catch {
            throw PostgresFailure.outage(error, waitingFor: "connection", poolMayHaveFailed: !lease.isTaken)
        }
    }
}

/// Whether the database server seems down: set by a lost connection or a lease not had in time, cleared by the next
/// transaction that succeeds.
final class OutageWatch: Sendable {
    private let suspected = Atomic<Bool>(false)
    var isSuspect: Bool { suspected.load(ordering: .relaxed) }
    func suspect() { suspected.store(true, ordering: .relaxed) }
    func cleared() { if isSuspect { suspected.store(false, ordering: .relaxed) } }
}

/// A transaction's connection was lost before `COMMIT` was sent: nothing of it was committed.
private struct LostBeforeCommit: Error {
    var cause: StoreUnavailable
}

/// Whether a transaction got its connection before its lease deadline: whichever of the two comes first wins.
private final class LeaseState: Sendable {
    private static let (waiting, taken, expired) = (0, 1, 2)
    private let state = Atomic<Int>(LeaseState.waiting)

    /// The connection came: true unless the deadline came first.
    func take() -> Bool { state.compareExchange(expected: Self.waiting, desired: Self.taken, ordering: .relaxed).exchanged }
    /// The deadline came: true unless the connection came first.
    func expire() -> Bool {
        state.compareExchange(expected: Self.waiting, desired: Self.expired, ordering: .relaxed).exchanged
    }
    var isTaken: Bool { state.load(ordering: .relaxed) == Self.taken }
}

extension PostgresFailure {
    /// A failed wait on the pool as callers see it: a deadline (`waitingFor` says for what) or a server found gone
    /// is an outage, as is a failure of the pool itself (shut down, or its circuit breaker tripped while the server
    /// was away) when `poolMayHaveFailed`; PostgreSQL's own errors are `classify`d; anything else is passed on.
    static func outage(_ error: any Error, waitingFor what: String, poolMayHaveFailed: Bool = true) -> any Error {
        switch error {
        case let exceeded as DeadlineExceeded where exceeded.gaveUpEarly:
            StoreUnavailable(.unreachable, detail: "PostgreSQL: the server does not answer")
        case let exceeded as DeadlineExceeded:
            StoreUnavailable(.timedOut, detail: "PostgreSQL: no \(what) within \(exceeded.limit)")
        case let error as PSQLError: classify(error)
        case is StoreUnavailable, is CancellationError: error
        default: poolMayHaveFailed ? StoreUnavailable(.unreachable, detail: "PostgreSQL: no connection (\(error))") : error
        }
    }

    /// A lost connection, a server shutting down or out of disk is an outage (`StoreUnavailable`); anything else
    /// (a constraint, a bad statement) keeps PostgreSQL's words.
    static func classify(_ error: PSQLError) -> any Error {
        let failure = PostgresFailure(error)
        switch error.code {
        case .serverClosedConnection, .clientClosedConnection, .connectionError, .uncleanShutdown, .poolClosed:
            return StoreUnavailable(.unreachable, detail: failure.description)
        default: break
        }
        guard let state = failure.sqlState else { return failure }
        if state.hasPrefix("08") || state.hasPrefix("57P") { return StoreUnavailable(.unreachable, detail: failure.description) }
        if state == "53100" { return StoreUnavailable(.diskFull, detail: failure.description) }
        if state.hasPrefix("53") || state == "25006" { return StoreUnavailable(.refusesWrites, detail: failure.description) }
        if state == "57014" { return StoreUnavailable(.timedOut, detail: failure.description) }
        return failure
    }
}

extension PostgresArchive: SQLArchive {
    public var dialect: SQLDialect { .postgres }

    public func reading<T: Sendable>(_ work: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T {
        try await read { try work($0) }
    }

    /// Every commit is durable (PostgreSQL's `synchronous_commit` default).
    public func writing<T: Sendable>(durably: Bool, _ work: @escaping @Sendable (any SQLSession) throws -> T)
        async throws -> T
    {
        try await write { try work($0) }
    }
}
