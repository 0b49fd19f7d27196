import Foundation
import PostgresNIO

/// Applies the embedded `migrations/postgres/NNNN_name.sql` files in name order, each in its own transaction and
/// recorded in `schema_migrations`. An advisory lock held for the whole run makes instances that start together
/// take turns: the first applies, the others find everything applied.
enum PostgresMigrator {
    /// The advisory lock's key (any constant; "EachVault" in ASCII).
    static let lockKey: Int64 = 0x45_61_63_68_56_61_75_6C

    static var migrations: [(name: String, sql: String)] {
        EmbeddedFiles.names(withSuffix: ".sql").compactMap { name in
            EmbeddedFiles.data(named: name).map { (String(name.dropLast(4)), String(decoding: $0, as: UTF8.self)) }
        }
    }

    static func migrate(_ database: PostgresArchive) async throws {
        try await database.client.withConnection { connection in
            _ = try await connection.query("SELECT pg_advisory_lock(\(lockKey))", logger: database.logger).collect()
            do {
                try await applyPending(connection, database)
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(lockKey))", logger: database.logger).collect()
                throw error
            }
            _ = try await connection.query("SELECT pg_advisory_unlock(\(lockKey))", logger: database.logger).collect()
        }
    }

    private static func applyPending(_ connection: PostgresConnection, _ database: PostgresArchive) async throws {
        let logger = database.logger
        _ = try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                identifier text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())
            """, logger: logger
        ).collect()
        var applied = Set<String>()
        for try await identifier in try await connection.query(
            "SELECT identifier FROM schema_migrations", logger: logger
        ).decode(String.self) {
            applied.insert(identifier)
        }
        for migration in migrations where !applied.contains(migration.name) {
            _ = try await connection.query("BEGIN", logger: logger).collect()
            do {
                for statement in SQLStatements.split(migration.sql) {
                    _ = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger).collect()
                }
                _ = try await connection.query(
                    "INSERT INTO schema_migrations (identifier) VALUES (\(migration.name))", logger: logger
                ).collect()
                _ = try await connection.query("COMMIT", logger: logger).collect()
                logger.info("applied migration", metadata: ["migration": "\(migration.name)"])
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger).collect()
                throw error
            }
        }
    }

    /// Names of the applied migrations, oldest first.
    static func applied(_ database: PostgresArchive) async throws -> [String] {
        var names: [String] = []
        for try await name in try await database.client.query(
            "SELECT identifier FROM schema_migrations ORDER BY identifier", logger: database.logger
        ).decode(String.self) {
            names.append(name)
        }
        return names
    }
}

extension PostgresArchive {
    /// Names of the applied migrations, oldest first.
    public func appliedMigrations() async throws -> [String] { try await PostgresMigrator.applied(self) }
}
