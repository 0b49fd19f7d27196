import Foundation
import GRDB
import Storage

extension AppDatabase: ArchiveTableSource {
    /// The archive's own tables (not SQLite's, GRDB's or the full-text index's, which are derived), with their
    /// columns and primary keys (a rowid table's key is its `INTEGER PRIMARY KEY` column).
    public func archiveTables() throws -> [ArchiveTable] {
        try writer.read { db in
            let names = try String.fetchAll(
                db,
                sql: """
                    SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
                    AND name NOT LIKE 'generation_search%' AND name <> 'grdb_migrations' ORDER BY name
                    """)
            return try names.map { name in
                let columns = try Row.fetchAll(db, sql: "SELECT name, type, pk FROM pragma_table_info(?)", arguments: [name])
                return ArchiveTable(
                    name: name,
                    columns: try columns.map { row in
                        let declared: String = row["type"]
                        guard let kind = ArchiveTable.Kind(rawValue: declared.uppercased()) else {
                            throw ArchiveTableError.undeclaredType(table: name, column: row["name"])
                        }
                        return ArchiveTable.Column(name: row["name"], type: kind)
                    },
                    primaryKey: columns.map { (position: $0["pk"] as Int, name: $0["name"] as String) }
                        .filter { $0.position > 0 }.sorted { $0.position < $1.position }.map(\.name))
            }
        }
    }

    /// Up to `limit` rows of `table` after the row whose primary key is `after` (nil: from the first), in key
    /// order: a copy pages through a table while the service goes on writing.
    public func rows(of table: ArchiveTable, after: [SQLValue]?, limit: Int) async throws -> [[SQLValue]] {
        let (columns, key) = (table.columnList, table.keyList)
        var sql = "SELECT \(columns) FROM \"\(table.name)\""
        var arguments: StatementArguments = []
        if let after {
            sql += " WHERE (\(key)) > (\(Array(repeating: "?", count: after.count).joined(separator: ", ")))"
            arguments = StatementArguments(after.map(\.databaseValue))
        }
        sql += " ORDER BY \(key) LIMIT ?"
        arguments += [limit]
        let (query, values) = (sql, arguments)
        return try await writer.read { db in
            try Row.fetchAll(db, sql: query, arguments: values).map { row in
                (0..<row.count).map { SQLValue(row[$0] as DatabaseValue) }
            }
        }
    }

    /// How many rows each table holds and a digest of their contents that does not depend on row order (see
    /// `ArchiveDigest`), read in one snapshot.
    public func digests(of tables: [ArchiveTable]) async throws -> [String: ArchiveDigest] {
        try await writer.read { db in
            var digests: [String: ArchiveDigest] = [:]
            for table in tables {
                var digest = ArchiveDigest()
                let rows = try Row.fetchCursor(db, sql: "SELECT \(table.columnList) FROM \"\(table.name)\"")
                while let row = try rows.next() {
                    digest.add((0..<row.count).map { SQLValue(row[$0] as DatabaseValue) })
                }
                digests[table.name] = digest
            }
            return digests
        }
    }

    /// This archive's name (migration 0015), which copies of it carry.
    public func archiveIdentity() throws -> String {
        try writer.read { db in try String.fetchOne(db, sql: "SELECT id FROM archive_identity") } ?? ""
    }

    /// Whether the rows with these primary keys exist (one answer per key, in order).
    public func exist(_ keys: [[SQLValue]], in table: ArchiveTable) async throws -> [Bool] {
        let key = table.keyList
        let placeholders = "(" + Array(repeating: "?", count: table.primaryKey.count).joined(separator: ", ") + ")"
        return try await writer.read { db in
            try keys.map { values in
                try Bool.fetchOne(
                    db, sql: "SELECT EXISTS (SELECT 1 FROM \"\(table.name)\" WHERE (\(key)) = \(placeholders))",
                    arguments: StatementArguments(values.map(\.databaseValue))) ?? false
            }
        }
    }
}
