import Foundation
import GRDB
import Storage

/// SQLite's connection as an `SQLSession`: statements rendered with `?` placeholders, through the connection's
/// statement cache, rows copied into `SQLRow`s. Rows are the only statement-level seam; SQLite-only code (search,
/// backups) may use GRDB directly.
extension Database: SQLSession {
    public func execute(_ sql: SQLText) throws {
        try prepared(sql).execute()
    }

    public func rows(_ sql: SQLText) throws -> [SQLRow] {
        let statement = try prepared(sql)
        let columns = SQLColumns(statement.columnNames)
        var rows: [SQLRow] = []
        let cursor = try Row.fetchCursor(statement)
        while let row = try cursor.next() {
            rows.append(SQLRow(columns: columns, values: (0..<row.count).map { SQLValue(row[$0] as DatabaseValue) }))
        }
        return rows
    }

    /// Through the connection's statement cache: prepared once per connection, not on every call.
    private func prepared(_ sql: SQLText) throws -> Statement {
        let (text, values) = sql.rendered(.sqlite)
        let statement = try cachedStatement(sql: text)
        try statement.setArguments(StatementArguments(values.map(\.databaseValue)))
        return statement
    }

    public var changedRows: Int { changesCount }

    public func lock(generation id: String) {}

    public func lockedGeneration(id: String) throws -> Generation? {
        try generation(id: id)
    }

    public func lock(request key: String) {}
}

extension SQLValue {
    /// A value GRDB read from SQLite.
    package init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case .int64(let integer): self = .integer(integer)
        case .double(let real): self = .real(real)
        case .string(let text): self = .text(text)
        case .blob(let data): self = .blob(Array(data))
        }
    }

    package var databaseValue: DatabaseValue {
        switch self {
        case .null: .null
        case .integer(let integer): integer.databaseValue
        case .real(let real): real.databaseValue
        case .text(let text): text.databaseValue
        case .blob(let bytes): Data(bytes).databaseValue
        }
    }
}
