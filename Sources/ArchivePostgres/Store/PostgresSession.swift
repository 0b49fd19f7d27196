import Archive
import Dispatch
import Foundation
import GRDB
import Logging
import PostgresNIO
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
    private(set) var changedRows = 0

    init(_ connection: PostgresConnection, deadline: Duration, logger: Logger) {
        self.connection = connection
        self.deadline = deadline
        self.logger = logger
    }

    func execute(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?]) throws {
        changedRows = try run(sql, arguments).metadata.rows ?? 0
    }

    func lock(generation id: String) throws {
        try execute("SELECT 1 FROM generations WHERE id = ? FOR UPDATE", [id])
    }

    func lock(request key: String) throws {
        try execute("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", [key])
    }

    func rows(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?]) throws -> [Row] {
        let result = try run(sql, arguments)
        changedRows = result.metadata.rows ?? 0
        return result.rows.map(PostgresSQL.row)
    }

    private func run(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?]) throws -> PostgresQueryResult {
        let answer = connection.query(PostgresSQL.query(sql, arguments), logger: logger)
        let outcome = Mutex<Result<PostgresQueryResult, any Error>?>(nil)
        let answered = DispatchSemaphore(value: 0)
        answer.whenComplete { result in
            outcome.withLock { $0 = result }
            answered.signal()
        }
        let nanoseconds = Int(clamping: deadline.components.seconds * 1_000_000_000)
        if answered.wait(timeout: .now() + .nanoseconds(nanoseconds)) == .timedOut {
            _ = connection.close() as EventLoopFuture<Void>  // fails the statement; the pool replaces the connection
            throw StoreUnavailable(.timedOut, detail: "PostgreSQL: no answer within \(deadline)")
        }
        switch outcome.withLock({ $0 }) {
        case .success(let result): return result
        case .failure(let error as PSQLError): throw PostgresFailure.classify(error)
        case .failure(let error): throw error
        case nil: throw StoreUnavailable(.unreachable, detail: "PostgreSQL: the statement ended without an answer")
        }
    }
}

extension PostgresArchive {
    /// Runs `work` in one transaction on one connection, on a thread of the database lane (at most eight at a
    /// time per instance, as for SQLite): committed when it returns, rolled back when it throws. A connection not had
    /// within `leaseDeadline` (the server is down or every connection is busy) fails as `StoreUnavailable`.
    func write<T: Sendable>(_ work: @escaping @Sendable (PostgresSession) throws -> T) async throws -> T {
        let (deadline, logger) = (statementDeadline, logger)
        return try await Self.leasing(within: leaseDeadline) { [client] leased in
            try await client.withConnection { connection in
                leased()
                return try await Self.lane.run {
                    let session = PostgresSession(connection, deadline: deadline, logger: logger)
                    try session.execute("BEGIN")
                    do {
                        let result = try work(session)
                        try session.execute("COMMIT")
                        return result
                    } catch {
                        try? session.execute("ROLLBACK")
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
    /// is cancelled). Once leased, the transaction is bounded by its statements' deadlines: a deadline that fired
    /// then would report a committed transaction as failed.
    private static func leasing<T: Sendable>(
        within limit: Duration, _ body: @escaping @Sendable (_ leased: @escaping @Sendable () -> Void) async throws -> T
    ) async throws -> T {
        let leased = LeaseFlag()
        do {
            return try await withThrowingTaskGroup(of: LeaseRace<T>.self) { group in
                group.addTask { .finished(try await body { leased.set() }) }
                group.addTask {
                    try await Task.sleep(for: limit)
                    return leased.isSet ? .leased : .timedOut
                }
                defer { group.cancelAll() }
                while let outcome = try await group.next() {
                    switch outcome {
                    case .finished(let value): return value
                    case .timedOut: throw StoreUnavailable(.timedOut, detail: "PostgreSQL: no connection within \(limit)")
                    case .leased: continue
                    }
                }
                throw CancellationError()
            }
        } catch let error as PSQLError {
            throw PostgresFailure.classify(error)
        } catch  where !leased.isSet && !(error is StoreUnavailable || error is CancellationError) {
            throw StoreUnavailable(.unreachable, detail: "PostgreSQL: no connection (\(error))")  // the pool gave up
        }
    }

    private static let lane = BlockingLane(width: 8)
}

/// Set once a transaction has its connection.
private final class LeaseFlag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .relaxed) }
    var isSet: Bool { value.load(ordering: .relaxed) }
}

private enum LeaseRace<T: Sendable>: Sendable {
    case finished(T)
    case leased
    case timedOut
}

extension PostgresFailure {
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
