@testable import Storage
@testable import StorePostgres
import Foundation
import Logging
@testable import StoreSQLite
import TestSupport
import Testing

/// PostgreSQL's schema against a real server: migrations applied once however many instances start together, and
/// every table and column of the SQLite archive present, so a copy (and later the service) maps one to one.
@Suite(.timeLimit(.minutes(5))) struct PostgresSchemaTests {
    static let logger = Logger(label: "test.postgres")

    @Test func instancesStartingTogetherApplyEachMigrationOnce() async throws {
        let server = try await PostgresServer.start()
        let url = try await server.database()
        let location = try PostgresLocation(url: url)
        let applied = try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    try await PostgresArchive.open(location, logger: Self.logger) { try await $0.appliedMigrations() }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let expected = PostgresMigrator.migrations.map(\.name)
        #expect(!expected.isEmpty && applied.allSatisfy { $0 == expected })
        #expect(try await server.psql(url, "SELECT count(*) FROM schema_migrations") == String(expected.count))
    }

    @Test func everyArchiveTableAndColumnExistsInPostgres() async throws {
        let server = try await PostgresServer.start()
        let url = try await server.database()
        try await PostgresArchive.open(try PostgresLocation(url: url), logger: Self.logger) { _ in }
        let archive = try AppDatabase.inMemory().archiveTables()
        #expect(Set(archive.map(\.name)) == Set(DatabaseCopy.tables), "the copy knows every table, parents first")
        for table in archive {
            let columns = try await server.psql(
                url,
                "SELECT string_agg(column_name, ',' ORDER BY column_name) FROM information_schema.columns "
                    + "WHERE table_schema = 'public' AND table_name = '\(table.name)' AND column_name <> 'search'")
            #expect(columns == table.columns.map(\.name).sorted().joined(separator: ","), "\(table.name)")
        }
    }

    /// Rows come back in the archive's own values, decoded by postgres-nio: what SQLite would hold for each type the
    /// schema uses, the search vector of `SELECT *` left out, and any other type an error naming its column.
    @Test func rowsAreReadNativelyAndAnUnmappedTypeIsAnError() async throws {
        let server = try await PostgresServer.start()
        let url = try await server.database()
        try await PostgresArchive.open(try PostgresLocation(url: url), logger: Self.logger) { archive in
            let row = try await archive.reading { db in
                try db.row(
                    """
                    SELECT 7::int4 AS small, \(Int64.max) AS big, 0.5::float8 AS real, 12::numeric AS whole,
                    1.25::numeric AS part, true AS yes, 'fox' AS text, '\\x00ff'::bytea AS bytes, NULL::text AS nothing,
                    \("it's $1 ?") AS bound
                    """)
            }
            let values = try #require(row).values
            #expect(
                values == [
                    .integer(7), .integer(.max), .real(0.5), .integer(12), .real(1.25), .integer(1), .text("fox"),
                    .blob([0, 255]), .null, .text("it's $1 ?"),
                ])
            let created = Date(timeIntervalSince1970: 1_800_000_000)
            _ = try await archive.insertGeneration(
                Generation(id: "gen_1", model: "m", version: "1", input: ["prompt": "a fox"], tags: ["t"], now: created))
            let stored = try await archive.reading { db in try db.rows("SELECT * FROM generations") }
            #expect(stored.count == 1 && !stored[0].hasColumn("search"), "the tsvector is the database's own")
            #expect(try Generation(row: stored[0]).createdAt == created)
            await #expect(throws: SQLDecodingError.unmappedType(column: "at", type: "TIMESTAMPTZ")) {
                try await archive.reading { db in try db.row("SELECT now() AS at") }
            }
        }
    }

    @Test func aDatabaseURLIsReadAndItsPasswordNeverShown() async throws {
        let location = try PostgresLocation(url: "postgres://vault:s3cret@db.internal:6432/archive?sslmode=require")
        #expect(location.host == "db.internal" && location.port == 6432 && location.username == "vault")
        #expect(location.database == "archive" && location.tls == .require)
        #expect(location.description == "postgres://vault@db.internal:6432/archive")
        for bad in [
            "mysql://vault@db/archive", "postgres://db/archive", "postgres://vault@/archive", "postgres://vault@db",
            "postgres://vault:s3cret@db/archive?sslmode=sometimes",
        ] {
            #expect(throws: PostgresLocation.InvalidURL.self, "\(bad)") { try PostgresLocation(url: bad) }
            let message = (try? PostgresLocation(url: bad)).map(\.description) ?? "\((Result { try PostgresLocation(url: bad) }))"
            #expect(!message.contains("s3cret"))
        }
    }

    @Test func migrationFilesSplitIntoStatementsAtTheRightSemicolons() {
        let sql = """
            -- a comment; with a semicolon
            CREATE TABLE a (x text DEFAULT 'semi;colon', "odd;name" int);
            /* block; comment */ CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN NEW.x := 'a;b'; RETURN NEW; END
            $$;
            CREATE FUNCTION g() RETURNS int LANGUAGE sql AS $body$ SELECT 1; $body$;
            -- trailing comment
            """
        let statements = SQLStatements.split(sql)
        #expect(statements.count == 3, "\(statements)")
        #expect(statements[0].hasSuffix("\"odd;name\" int)"))
        #expect(statements[1].contains("RETURN NEW; END\n$$"))
        #expect(statements[2].hasSuffix("$body$ SELECT 1; $body$"))
        for hostile in ["$", "$$", "'", "/*", "--", "$a", "$a$ unterminated", ";;;", ""] {
            _ = SQLStatements.split(hostile)
        }
    }
}
