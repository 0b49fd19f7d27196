import Foundation

/// A table of the archive: its columns in order, each with its declared type, and its primary key.
public struct ArchiveTable: Sendable, Hashable {
    public var name: String
    public var columns: [Column]
    public var primaryKey: [String]

    public init(name: String, columns: [Column], primaryKey: [String]) {
        (self.name, self.columns, self.primaryKey) = (name, columns, primaryKey)
    }

    public struct Column: Sendable, Hashable {
        public var name: String
        public var type: Kind

        public init(name: String, type: Kind) { (self.name, self.type) = (name, type) }
    }

    /// The columns, quoted and comma-separated, for a SELECT or INSERT (SQLite and PostgreSQL quote alike).
    public var columnList: String { quoted(columns.map(\.name)) }
    /// The primary key's columns, quoted and comma-separated.
    public var keyList: String { quoted(primaryKey) }

    private func quoted(_ names: [String]) -> String { names.map { "\"\($0)\"" }.joined(separator: ", ") }

    /// The declared type of a STRICT column.
    public enum Kind: String, Sendable, Hashable {
        case integer = "INTEGER", real = "REAL", text = "TEXT", blob = "BLOB"
    }
}

/// A database whose tables can be read out whole and checked against a copy (`eachvault migrate-database` reads
/// SQLite's this way).
public protocol ArchiveTableSource: Sendable {
    /// The archive's own tables (not the database's, the migrator's or the full-text index's, which are derived),
    /// with their columns and primary keys.
    func archiveTables() throws -> [ArchiveTable]
    /// Up to `limit` rows of `table` after the row with primary key `after` (from the first for nil), by key.
    func rows(of table: ArchiveTable, after: [SQLValue]?, limit: Int) async throws -> [[SQLValue]]
    /// Each table's row count and order-independent digest.
    func digests(of tables: [ArchiveTable]) async throws -> [String: ArchiveDigest]
    /// This archive's name, which copies of it carry.
    func archiveIdentity() throws -> String
    /// Whether the rows with these primary keys exist (one answer per key, in order).
    func exist(_ keys: [[SQLValue]], in table: ArchiveTable) async throws -> [Bool]
}

/// Why the archive's tables cannot be described.
public enum ArchiveTableError: Error, CustomStringConvertible {
    case undeclaredType(table: String, column: String)

    public var description: String {
        switch self {
        case .undeclaredType(let table, let column): "column \(table).\(column) has no STRICT type"
        }
    }
}
