import Foundation
import GRDB
import Logging
import PostgresNIO

/// SQL run on PostgreSQL the way the SQLite store runs it: statements written with `?` placeholders, values bound
/// from GRDB's `DatabaseValueConvertible`s, and rows handed back as GRDB `Row`s, so the archive's record types
/// decode from either database (one `Generation(row:)`, not two).
struct PostgresSQL: Sendable {
    let target: any PostgresQueryable
    let logger: Logger

    /// Every row of the statement's answer.
    func rows(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?] = []) async throws -> [Row] {
        var rows: [Row] = []
        for try await row in try await run(sql, arguments) { rows.append(Self.row(row)) }
        return rows
    }

    /// The first row, if any.
    func row(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?] = []) async throws -> Row? {
        try await rows(sql, arguments).first
    }

    func fetchAll<Record: FetchableRecord>(
        _ type: Record.Type, _ sql: String, _ arguments: [(any DatabaseValueConvertible)?] = []
    ) async throws -> [Record] {
        try await rows(sql, arguments).map { try Record(row: $0) }
    }

    func fetchOne<Record: FetchableRecord>(
        _ type: Record.Type, _ sql: String, _ arguments: [(any DatabaseValueConvertible)?] = []
    ) async throws -> Record? {
        try await row(sql, arguments).map { try Record(row: $0) }
    }

    /// The first column of the first row (nil for no row or NULL).
    func value<Value: DatabaseValueConvertible>(
        _ type: Value.Type, _ sql: String, _ arguments: [(any DatabaseValueConvertible)?] = []
    ) async throws -> Value? {
        guard let row = try await row(sql, arguments), !row.isEmpty else { return nil }
        return try row.decode(Value?.self, atIndex: 0)
    }

    /// The first column of every row.
    func values<Value: DatabaseValueConvertible>(
        _ type: Value.Type, _ sql: String, _ arguments: [(any DatabaseValueConvertible)?] = []
    ) async throws -> [Value] {
        try await rows(sql, arguments).map { try $0.decode(Value.self, atIndex: 0) }
    }

    /// Runs a statement for its effect.
    func execute(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?] = []) async throws {
        for try await _ in try await run(sql, arguments) {}
    }

    /// Inserts a record's columns into its table (NULLs left to the column's default: an identity, or NULL);
    /// `suffix` is an optional `ON CONFLICT …` or `RETURNING …` clause, whose row is returned.
    @discardableResult
    func insert<Record: PersistableRecord>(_ record: Record, _ suffix: String = "") async throws -> Row? {
        let columns = try record.databaseDictionary.filter { !$0.value.isNull }.sorted { $0.key < $1.key }
        let names = columns.map { "\"\($0.key)\"" }.joined(separator: ", ")
        return try await row(
            "INSERT INTO \"\(Record.databaseTableName)\" (\(names)) VALUES (\(Self.marks(columns.count))) \(suffix)",
            columns.map(\.value))
    }

    /// Inserts the record, or rewrites the row with its `key` (every column but those in `keeping`, which an
    /// existing row keeps).
    func save<Record: PersistableRecord>(_ record: Record, key: [String], keeping: [String] = []) async throws {
        let columns = try record.databaseDictionary.sorted { $0.key < $1.key }
        let names = columns.map { "\"\($0.key)\"" }.joined(separator: ", ")
        let assignments = columns.map(\.key).filter { !key.contains($0) && !keeping.contains($0) }
            .map { "\"\($0)\" = excluded.\"\($0)\"" }
        try await execute(
            "INSERT INTO \"\(Record.databaseTableName)\" (\(names)) VALUES (\(Self.marks(columns.count))) "
                + "ON CONFLICT (\(key.map { "\"\($0)\"" }.joined(separator: ", "))) "
                + (assignments.isEmpty ? "DO NOTHING" : "DO UPDATE SET " + assignments.joined(separator: ", ")),
            columns.map(\.value))
    }

    /// `count` placeholders, comma-separated (for `IN (…)` and `VALUES (…)`).
    static func marks(_ count: Int) -> String { Array(repeating: "?", count: count).joined(separator: ", ") }

    /// Rewrites a record's row, found by the `key` columns.
    func update<Record: PersistableRecord>(_ record: Record, key: [String]) async throws {
        let columns = try record.databaseDictionary.sorted { $0.key < $1.key }
        let assigned = columns.filter { !key.contains($0.key) }
        let keyed = try key.map { name in
            guard let value = columns.first(where: { $0.key == name })?.value else {
                throw PostgresFailure("\(Record.databaseTableName) has no column \(name)")
            }
            return value
        }
        try await execute(
            "UPDATE \"\(Record.databaseTableName)\" SET "
                + assigned.map { "\"\($0.key)\" = ?" }.joined(separator: ", ")
                + " WHERE " + key.map { "\"\($0)\" = ?" }.joined(separator: " AND "),
            assigned.map(\.value) + keyed)
    }

    private func run(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?]) async throws
        -> PostgresRowSequence
    {
        var bindings = PostgresBindings(capacity: arguments.count)
        for argument in arguments { bindings.append(argument?.databaseValue ?? .null) }
        do {
            return try await target.run(
                PostgresQuery(unsafeSQL: Self.numberingPlaceholders(sql), binds: bindings), logger: logger)
        } catch let error as PSQLError {
            throw PostgresFailure(error)
        }
    }

    /// `?` → `$1`, `$2`, …, except inside quoted text and identifiers.
    static func numberingPlaceholders(_ sql: String) -> String {
        var result = ""
        result.reserveCapacity(sql.utf8.count + 16)
        var quote: Character?
        var number = 0
        for character in sql {
            if let open = quote {
                if character == open { quote = nil }
                result.append(character)
            } else if character == "'" || character == "\"" {
                quote = character
                result.append(character)
            } else if character == "?" {
                number += 1
                result += "$\(number)"
            } else {
                result.append(character)
            }
        }
        return result
    }

    /// A `numeric` (what `sum` of integers gives) as an integer when it is one, else a double.
    private static func number(_ decimal: Decimal) -> any DatabaseValueConvertible {
        let double = NSDecimalNumber(decimal: decimal).doubleValue
        if double == double.rounded(), abs(double) < 9e18 { return Int64(double) }
        return double
    }

    /// A PostgreSQL row as GRDB's: integers, floating point and numeric, booleans (as 0 and 1, like SQLite), text and
    /// bytes; columns of other types (the `search` tsvector) are left out. Columns are read by name: GRDB builds such
    /// a row from a dictionary, so their order is not kept (the shared logic never reads a column by position).
    static func row(_ row: PostgresRow) -> Row {
        var values: [String: (any DatabaseValueConvertible)?] = [:]
        for cell in row {
            let value: (any DatabaseValueConvertible)?
            switch cell.dataType {
            case .int2, .int4, .int8: value = try? cell.decode(Int64?.self)
            case .float4, .float8: value = try? cell.decode(Double?.self)
            case .numeric: value = (try? cell.decode(Decimal?.self))?.map(Self.number)
            case .bool: value = (try? cell.decode(Bool?.self))?.map { $0 ? 1 : 0 }
            case .bytea: value = (try? cell.decode(ByteBuffer?.self))?.map { Data($0.readableBytesView) }
            case .text, .varchar, .name, .bpchar: value = try? cell.decode(String?.self)
            default: continue
            }
            values[cell.columnName] = value
        }
        return Row(values)
    }
}

/// What runs a query: the pool (each statement on any connection) or one connection (inside a transaction).
protocol PostgresQueryable: Sendable {
    func run(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence
}

extension PostgresClient: PostgresQueryable {
    func run(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence {
        try await self.query(query, logger: logger)
    }
}

extension PostgresConnection: PostgresQueryable {
    func run(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence {
        try await self.query(query, logger: logger)
    }
}

extension PostgresBindings {
    mutating func append(_ value: DatabaseValue) {
        switch value.storage {
        case .null: appendNull()
        case .int64(let integer): append(integer)
        case .double(let real): append(real)
        case .string(let text): append(text)
        case .blob(let bytes): append(ByteBuffer(bytes: bytes))
        }
    }
}

extension PostgresArchive {
    /// Statements on the pool, each on whichever connection is free.
    var sql: PostgresSQL { PostgresSQL(target: client, logger: logger) }

    /// Runs `body` in one transaction on one connection: committed when it returns, rolled back when it throws.
    func transaction<T: Sendable>(_ body: (PostgresSQL) async throws -> T) async throws -> T {
        do {
            return try await client.withTransaction(logger: logger) { connection in
                try await body(PostgresSQL(target: connection, logger: logger))
            }
        } catch let error as PostgresTransactionError {
            let cause = error.closureError ?? error.commitError ?? error.beginError ?? error
            throw (cause as? PSQLError).map(PostgresFailure.init) ?? cause
        }
    }
}
