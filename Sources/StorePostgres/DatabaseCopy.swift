import Foundation
import NIOCore
import PostgresNIO
import Storage

/// `eachvault migrate-database --to postgres://…`: copies an SQLite archive into PostgreSQL, table by table in the
/// order foreign keys need, each in key order and in batches (rows already there are updated, so a second run
/// brings a first one up to date, and rows deleted from the archive since are deleted), then compares every table's
/// row count and content digest (`ArchiveDigest`) on both sides. Safe while the service runs; the last pass, with the
/// service stopped, is the one whose verification counts.
public enum DatabaseCopy {
    /// Every table of the archive, parents before the tables that refer to them.
    static let tables = [
        "models", "teams", "collections", "generations", "assets", "generation_outputs", "generation_inputs", "generation_events",
        "webhook_deliveries", "api_tokens", "shares", "sessions", "provider_uploads", "team_files",
        "deleted_predictions", "webhook_rejections", "extra_predictions", "blob_deletions", "scrub_position",
        "webhook_endpoints", "webhook_messages", "webhook_attempts", "archive_identity", "derived_files",
        "spend_of_deleted", "collection_items",
    ]
    static let batch = 500

    /// What one table's copy did and found.
    public struct TableReport: Sendable, Hashable {
        public var table: String
        public var written: Int
        public var removed: Int
        public var rows: Int
        public var digest: String
        public var matches: Bool
    }

    /// - Parameter force: copy even when PostgreSQL changed since the last verified copy (instances served from it).
    public static func run(
        from source: any ArchiveTableSource, to target: PostgresArchive, force: Bool = false,
        progress: @Sendable (String) -> Void = { _ in }
    ) async throws -> [TableReport] {
        let described = Dictionary(uniqueKeysWithValues: try source.archiveTables().map { ($0.name, $0) })
        if let unknown = described.keys.sorted().first(where: { !tables.contains($0) }) {
            throw PostgresFailure("the copy does not know the archive's table \(unknown) (a migration without its PostgreSQL counterpart)")
        }
        let ordered = tables.compactMap { described[$0] }
        for table in ordered { try await checkColumns(of: table, in: target) }
        try await checkSameArchive(source, target)
        if !force { try await checkUnchangedSinceLastCopy(ordered, target) }
        var written: [String: Int] = [:]
        for table in ordered {
            written[table.name] = try await copyRows(of: table, from: source, to: target)
            progress("\(table.name): \(written[table.name] ?? 0) rows written")
        }
        var removed: [String: Int] = [:]
        for table in ordered.reversed() {
            removed[table.name] = try await removeRowsGone(from: table, source: source, target: target)
        }
        try await resetIdentities(target)
        let expected = try await source.digests(of: ordered)
        var reports: [TableReport] = []
        for table in ordered {
            let actual = try await digest(of: table, in: target)
            let wanted = expected[table.name] ?? ArchiveDigest()
            reports.append(
                TableReport(
                    table: table.name, written: written[table.name] ?? 0, removed: removed[table.name] ?? 0,
                    rows: actual.rows, digest: actual.description, matches: actual == wanted))
        }
        try await mark(reports, in: target)
        return reports
    }

    /// Instances that served from PostgreSQL since the last verified copy have written rows the SQLite file does not
    /// hold: a copy would overwrite or delete them. Found by comparing each table with what the last copy left.
    private static func checkUnchangedSinceLastCopy(_ tables: [ArchiveTable], _ target: PostgresArchive) async throws {
        var marks: [String: String] = [:]
        let rows = try await target.client.query("SELECT table_name, digest FROM database_copy_marks", logger: target.logger)
        for try await (table, digest) in rows.decode((String, String).self) { marks[table] = digest }
        guard !marks.isEmpty else { return }  // never copied into, or copied before marks were kept
        var changed: [String] = []
        for table in tables where try await digest(of: table, in: target).description != marks[table.name] {
            changed.append(table.name)
        }
        guard changed.isEmpty else {
            throw PostgresFailure(
                "PostgreSQL changed since the last copy (\(changed.joined(separator: ", "))): instances have written to it, "
                    + "and copying the SQLite archive again would overwrite or delete their rows. Keep serving from "
                    + "PostgreSQL, or pass --force to make it a copy of the SQLite archive again")
        }
    }

    /// Remembers what each verified table holds now, for the next copy's check.
    private static func mark(_ reports: [TableReport], in target: PostgresArchive) async throws {
        let now = Int64(Date().timeIntervalSince1970)
        for report in reports where report.matches {
            try await target.execute(
                """
                INSERT INTO database_copy_marks (table_name, row_count, digest, copied_at)
                VALUES (\(report.table), \(Int64(report.rows)), \(report.digest), \(now))
                ON CONFLICT (table_name) DO UPDATE
                SET row_count = EXCLUDED.row_count, digest = EXCLUDED.digest, copied_at = EXCLUDED.copied_at
                """)
        }
    }

    /// PostgreSQL's database is empty or holds a copy of this very archive: the copy deletes there what the archive
    /// does not hold, so pointing it at another archive's database would empty that.
    private static func checkSameArchive(_ source: any ArchiveTableSource, _ target: PostgresArchive) async throws {
        let identity = try source.archiveIdentity()
        var held: [String] = []
        for try await id in try await target.client.query("SELECT id FROM archive_identity", logger: target.logger)
            .decode(String.self)
        {
            held.append(id)
        }
        if held.isEmpty {
            let rows = try await target.client.query(
                "SELECT (SELECT count(*) FROM generations) + (SELECT count(*) FROM teams)", logger: target.logger)
            for try await count in rows.decode(Int64.self) where count > 0 {
                throw PostgresFailure("PostgreSQL's database already holds an archive that was not copied from this one; copy into an empty database")
            }
        } else if held != [identity] {
            throw PostgresFailure(
                "PostgreSQL's database holds another archive (\(held.joined(separator: ", "))) than this one (\(identity)); copy into an empty database"
            )
        }
    }

    /// Every column of the archive's table exists in PostgreSQL (which may hold more: the search vector).
    private static func checkColumns(of table: ArchiveTable, in target: PostgresArchive) async throws {
        var present = Set<String>()
        let rows = try await target.client.query(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = \(table.name)",
            logger: target.logger)
        for try await name in rows.decode(String.self) { present.insert(name) }
        if let missing = table.columns.map(\.name).first(where: { !present.contains($0) }) {
            throw PostgresFailure("PostgreSQL's \(table.name) has no column \(missing): its schema is behind the archive's")
        }
    }

    private static func copyRows(of table: ArchiveTable, from source: any ArchiveTableSource, to target: PostgresArchive)
        async throws -> Int
    {
        let keyPositions = table.primaryKey.compactMap { key in table.columns.firstIndex { $0.name == key } }
        let (columns, key) = (table.columnList, table.keyList)
        // A row already there is rewritten only if it changed: a second pass over a million rows then writes
        // (and leaves for vacuum) only what the archive changed since the first.
        let changeable = table.columns.filter { !table.primaryKey.contains($0.name) }.map { "\"\($0.name)\"" }
        let assignments: String = changeable.map { "\($0) = EXCLUDED.\($0)" }.joined(separator: ", ")
        let current: String = changeable.map { "\"\(table.name)\".\($0)" }.joined(separator: ", ")
        let incoming: String = changeable.map { "EXCLUDED.\($0)" }.joined(separator: ", ")
        let conflict =
            changeable.isEmpty
            ? "DO NOTHING" : "DO UPDATE SET \(assignments) WHERE (\(current)) IS DISTINCT FROM (\(incoming))"
        var after: [SQLValue]?
        var written = 0
        while true {
            let rows = try await source.rows(of: table, after: after, limit: batch)
            guard let last = rows.last else { return written }
            var bindings = PostgresBindings(capacity: rows.count * table.columns.count)
            var tuples: [String] = []
            for row in rows {
                let start = bindings.count
                tuples.append("(" + row.indices.map { "$\(start + $0 + 1)" }.joined(separator: ", ") + ")")
                for value in row { bindings.append(value) }
            }
            let sql =
                "INSERT INTO \"\(table.name)\" (\(columns)) VALUES \(tuples.joined(separator: ", ")) ON CONFLICT (\(key)) \(conflict)"
            do {
                try await target.execute(PostgresQuery(unsafeSQL: sql, binds: bindings))
            } catch let error as PSQLError {
                throw PostgresFailure("copying \(table.name): \(PostgresFailure(error).description)")
            }
            written += rows.count
            after = keyPositions.map { last[$0] }
        }
    }

    /// Deletes the rows PostgreSQL holds that the archive no longer does (deleted since an earlier run), reading
    /// PostgreSQL's keys as a stream and checking them against the archive a batch at a time (flat memory).
    private static func removeRowsGone(from table: ArchiveTable, source: any ArchiveTableSource, target: PostgresArchive)
        async throws -> Int
    {
        let keyColumns = table.primaryKey.compactMap { key in table.columns.first { $0.name == key } }
        let key = table.keyList
        let condition = keyColumns.indices.map { "\"\(keyColumns[$0].name)\" = $\($0 + 1)" }.joined(separator: " AND ")
        var removed = 0
        func removeGone(_ keys: [[SQLValue]]) async throws {
            for (values, present) in zip(keys, try await source.exist(keys, in: table)) where !present {
                var bindings = PostgresBindings()
                for value in values { bindings.append(value) }
                try await target.execute(
                    PostgresQuery(unsafeSQL: "DELETE FROM \"\(table.name)\" WHERE \(condition)", binds: bindings))
                removed += 1
            }
        }
        var keys: [[SQLValue]] = []
        let rows = try await target.client.query(
            PostgresQuery(unsafeSQL: "SELECT \(key) FROM \"\(table.name)\""), logger: target.logger)
        for try await row in rows {
            keys.append(try values(of: row, kinds: keyColumns.map(\.type)))
            if keys.count == batch {
                try await removeGone(keys)
                keys.removeAll(keepingCapacity: true)
            }
        }
        try await removeGone(keys)
        return removed
    }

    /// Identity columns continue after the highest value copied.
    private static func resetIdentities(_ target: PostgresArchive) async throws {
        var identities: [(String, String)] = []
        let rows = try await target.client.query(
            """
            SELECT table_name, column_name FROM information_schema.columns
            WHERE table_schema = current_schema() AND is_identity = 'YES'
            """, logger: target.logger)
        for try await (table, column) in rows.decode((String, String).self) { identities.append((table, column)) }
        for (table, column) in identities {
            try await target.execute(
                PostgresQuery(
                    unsafeSQL: """
                        SELECT setval(pg_get_serial_sequence('"\(table)"', '\(column)'),
                                      greatest(coalesce((SELECT max("\(column)") FROM "\(table)"), 0), 1))
                        """))
        }
    }

    /// The table's row count and content digest on the PostgreSQL side, reading the archive's columns only.
    static func digest(of table: ArchiveTable, in target: PostgresArchive) async throws -> ArchiveDigest {
        var digest = ArchiveDigest()
        let rows = try await target.client.query(
            PostgresQuery(unsafeSQL: "SELECT \(table.columnList) FROM \"\(table.name)\""), logger: target.logger)
        for try await row in rows { digest.add(try values(of: row, kinds: table.columns.map(\.type))) }
        return digest
    }

    private static func values(of row: PostgresRow, kinds: [ArchiveTable.Kind]) throws -> [SQLValue] {
        let cells = row.makeRandomAccess()
        return try kinds.indices.map { index in
            let cell = cells[index]
            switch kinds[index] {
            case .integer: return try cell.decode(Int64?.self).map(SQLValue.integer) ?? .null
            case .real: return try cell.decode(Double?.self).map(SQLValue.real) ?? .null
            case .text: return try cell.decode(String?.self).map(SQLValue.text) ?? .null
            case .blob:
                return try cell.decode(ByteBuffer?.self).map { SQLValue.blob(Array($0.readableBytesView)) } ?? .null
            }
        }
    }
}
