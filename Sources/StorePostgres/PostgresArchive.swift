import Foundation
import Logging
import PostgresNIO
import Synchronization
import Transport

/// A connection pool to the archive's PostgreSQL database, running while `open`'s body runs.
public struct PostgresArchive: Sendable {
    public let location: PostgresLocation
    let client: PostgresClient
    let logger: Logger
    /// Asks the server whether it is there, when a transaction waits for a connection.
    let probe: ServerProbe
    /// The pool's run loop, for an archive opened by `connect` (nil inside `open`'s body, which owns it).
    var runner: Task<Void, Never>?
    /// This instance among those sharing the database: the owner of the work it claims. Stable across restarts of
    /// the same instance, so a restarted one takes its unfinished claims back at once instead of when they expire.
    public var instanceID = ProcessInfo.processInfo.hostName
    /// The longest one statement may go unanswered before its connection is closed and the call fails.
    public var statementDeadline: Duration = .seconds(30)
    /// The longest a transaction waits for a connection from the pool (every connection busy, a loaded host);
    /// while the server seems down (a connection was lost, a lease timed out, and nothing has succeeded since),
    /// `suspectLeaseDeadline`, so requests are answered 503 at once instead of each waiting out the full deadline.
    public var leaseDeadline: Duration = .seconds(10)
    public var suspectLeaseDeadline: Duration = .seconds(1)
    /// Whether the server seems down, shared by every transaction of this pool.
    let outage = OutageWatch()
    /// This pool's threads for transactions: at most eight at a time.
    let lane = BlockingLane(width: 8)

    /// Connects to `location`, applies pending migrations (`migrations/postgres`, under a lock) and runs `body`;
    /// the pool closes when it returns or throws.
    public static func open<T: Sendable>(
        _ location: PostgresLocation, logger: Logger, migrate: Bool = true,
        _ body: @Sendable (PostgresArchive) async throws -> T
    ) async throws -> T {
        try await probe(location, logger: logger)
        let client = PostgresClient(configuration: try location.clientConfiguration, backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addImmediateTask {  // running before the first lease, which would otherwise warn it is not
                await client.run()
                return nil
            }
            defer { group.cancelAll() }
            let database = PostgresArchive(
                location: location, client: client, logger: logger, probe: ServerProbe(location), runner: nil)
            do {
                if migrate { try await PostgresMigrator.migrate(database) }
                return try await body(database)
            } catch let error as PSQLError {
                throw PostgresFailure(error)
            }
        }
    }

    /// Connects to `location` and applies pending migrations (under a lock, as `open` does), for a service: the
    /// pool runs until `close()`.
    public static func connect(_ location: PostgresLocation, instanceID: String, logger: Logger) async throws
        -> PostgresArchive
    {
        try await probe(location, logger: logger)
        let client = PostgresClient(configuration: try location.clientConfiguration, backgroundLogger: logger)
        var archive = PostgresArchive(
            location: location, client: client, logger: logger, probe: ServerProbe(location),
            runner: Task.immediate { await client.run() })
        archive.instanceID = instanceID
        do {
            try await PostgresMigrator.migrate(archive)
        } catch {
            archive.close()
            throw (error as? PSQLError).map(PostgresFailure.init) ?? error
        }
        return archive
    }

    /// Closes the pool of an archive opened by `connect`.
    public func close() { runner?.cancel() }

    /// One connection first: a refused password or a missing database is said at once, in PostgreSQL's words (the
    /// pool would retry with backoff for a minute, until its circuit breaker trips, and say only that).
    private static func probe(_ location: PostgresLocation, logger: Logger) async throws {
        do {
            let connection = try await PostgresConnection.connect(
                configuration: try location.connectionConfiguration, id: 0, logger: logger)
            try await connection.close()
        } catch let error as PSQLError {
            throw PostgresFailure("cannot use \(location): \(PostgresFailure(error).description)")
        } catch {
            throw PostgresFailure("cannot reach \(location): \(error)")
        }
    }

    /// Runs `query`, discarding rows.
    func execute(_ query: PostgresQuery) async throws {
        _ = try await client.query(query, logger: logger).collect()
    }
}

/// A PostgreSQL error in words (postgres-nio's own description hides the server's message).
public struct PostgresFailure: Error, CustomStringConvertible {
    public var description: String
    /// PostgreSQL's SQLSTATE code, when the server said why.
    public var sqlState: String?

    /// A row broke a unique constraint.
    var isUniqueViolation: Bool { sqlState == "23505" }

    init(_ error: PSQLError) {
        sqlState = error.serverInfo?[.sqlState]
        if let message = error.serverInfo?[.message] {
            description = "PostgreSQL: \(message)" + (error.serverInfo?[.detail].map { " (\($0))" } ?? "")
        } else {
            description = "PostgreSQL: \(error.code)" + (error.underlying.map { ": \($0)" } ?? "")
        }
    }

    init(_ description: String) { self.description = description }
}
