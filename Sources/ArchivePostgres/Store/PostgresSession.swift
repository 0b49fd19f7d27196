import Archive
import Foundation
import GRDB
import Logging
import PostgresNIO
import Transport

/// PostgreSQL as an `SQLSession`: statements on one connection, each awaited on the thread that runs the
/// archive's (synchronous) logic, one of the database lane's. The logic SQLite runs inside a GRDB transaction runs
/// here inside a PostgreSQL one, unchanged.
final class PostgresSession: SQLSession {
    private let connection: PostgresConnection
    private let logger: Logger
    private(set) var changedRows = 0

    init(_ connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    func execute(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?]) throws {
        changedRows = try run(sql, arguments).metadata.rows ?? 0
    }

    func lock(generation id: String) throws {
        try execute("SELECT 1 FROM generations WHERE id = ? FOR UPDATE", [id])
    }

    func rows(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?]) throws -> [Row] {
        let result = try run(sql, arguments)
        changedRows = result.metadata.rows ?? 0
        return result.rows.map(PostgresSQL.row)
    }

    private func run(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?]) throws -> PostgresQueryResult {
        do {
            return try connection.query(PostgresSQL.query(sql, arguments), logger: logger).wait()
        } catch let error as PSQLError {
            throw PostgresFailure(error)
        }
    }
}

extension PostgresArchive {
    /// Runs `work` in one transaction on one connection, on a thread of the database lane (at most eight at a
    /// time per instance, as for SQLite): committed when it returns, rolled back when it throws.
    func write<T: Sendable>(_ work: @escaping @Sendable (PostgresSession) throws -> T) async throws -> T {
        try await client.withConnection { [logger] connection in
            try await Self.lane.run {
                let session = PostgresSession(connection, logger: logger)
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

    /// Runs `work` in a read-only transaction (one snapshot for all its statements).
    func read<T: Sendable>(_ work: @escaping @Sendable (PostgresSession) throws -> T) async throws -> T {
        try await write { session in
            try session.execute("SET TRANSACTION READ ONLY")
            return try work(session)
        }
    }

    private static let lane = BlockingLane(width: 8)
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
