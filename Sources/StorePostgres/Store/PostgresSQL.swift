import Foundation
import Logging
import PostgresNIO
import Storage
import Transport

/// SQL run on PostgreSQL the way the SQLite store runs it: statements written as `SQLText` (rendered with `$n`
/// placeholders, values bound natively) and rows handed back as `SQLRow`s, so the archive's record types decode from
/// either database (one `Generation(row:)`, not two).
struct PostgresSQL: Sendable {
    let client: PostgresClient
    let logger: Logger
    /// The longest a statement (with its wait for a connection) may take.
    let deadline: Duration
    /// Ends the wait early when the server is gone.
    let probe: ServerProbe

    /// Every row of the statement's answer.
    func rows(_ sql: SQLText) async throws -> [SQLRow] {
        let (query, client, logger) = (Self.query(sql), client, logger)
        return try Self.rows(try await bounded { try await client.query(query, logger: logger).collect() })
    }

    /// The first row, if any.
    func row(_ sql: SQLText) async throws -> SQLRow? {
        try await rows(sql).first
    }

    func fetchAll<Record: SQLRecord>(_ type: Record.Type, _ sql: SQLText) async throws -> [Record] {
        try await rows(sql).map { try Record(row: $0) }
    }

    /// The first column of the first row (nil for no row or NULL).
    func value<Value: SQLValueConvertible>(_ type: Value.Type, _ sql: SQLText) async throws -> Value? {
        guard let row = try await row(sql), !row.isEmpty else { return nil }
        return try row[0] as Value?
    }

    /// Runs a statement for its effect.
    func execute(_ sql: SQLText) async throws {
        let (query, client, logger) = (Self.query(sql), client, logger)
        _ = try await bounded { try await client.query(query, logger: logger).collect() }
    }

    /// A statement on the pool within `deadline`, a lease included; an outage is a `StoreUnavailable`.
    private func bounded<T: Sendable>(_ statement: @escaping @Sendable () async throws -> T) async throws -> T {
        do {
            let result = try await withDeadline(deadline, check: probe.check(suspect: false), statement)
            probe.heard()
            return result
        } catch {
            throw PostgresFailure.outage(error, waitingFor: "answer")
        }
    }

    /// The statement with `$1, $2, …` placeholders and its values bound.
    static func query(_ sql: SQLText) -> PostgresQuery {
        let (text, values) = sql.rendered(.postgres)
        var bindings = PostgresBindings(capacity: values.count)
        for value in values { bindings.append(value) }
        return PostgresQuery(unsafeSQL: text, binds: bindings)
    }

    /// The rows of an answer, their column names shared.
    static func rows(_ answer: some Collection<PostgresRow>) throws -> [SQLRow] {
        guard let first = answer.first else { return [] }
        let read = first.map { !ignored.contains($0.dataType) }
        let columns = SQLColumns(zip(first, read).filter(\.1).map(\.0.columnName))
        return try answer.map { row in
            var values: [SQLValue] = []
            values.reserveCapacity(columns.names.count)
            for (cell, wanted) in zip(row, read) where wanted { values.append(try value(cell)) }
            return SQLRow(columns: columns, values: values)
        }
    }

    /// Column types the database keeps for itself and the archive never reads: the `search` vector of `SELECT g.*`.
    private static let ignored: Set<PostgresDataType> = [.tsvector]

    /// One cell as SQLite would hold it: integers, floating point and numeric, booleans (as 0 and 1), text and bytes.
    /// A cell of any other type is an error naming the column, never a silent NULL.
    private static func value(_ cell: PostgresCell) throws -> SQLValue {
        switch cell.dataType {
        case .int2, .int4, .int8: return try cell.decode(Int64?.self).map(SQLValue.integer) ?? .null
        case .float4, .float8: return try cell.decode(Double?.self).map(SQLValue.real) ?? .null
        case .numeric: return try cell.decode(Decimal?.self).map(number) ?? .null
        case .bool: return try cell.decode(Bool?.self).map { .integer($0 ? 1 : 0) } ?? .null
        case .bytea: return try cell.decode(ByteBuffer?.self).map { .blob(Array($0.readableBytesView)) } ?? .null
        case .text, .varchar, .name, .bpchar: return try cell.decode(String?.self).map(SQLValue.text) ?? .null
        default: throw SQLDecodingError.unmappedType(column: cell.columnName, type: "\(cell.dataType)")
        }
    }

    /// A `numeric` (what `sum` of integers gives) as an integer when it is one, else a double.
    private static func number(_ decimal: Decimal) -> SQLValue {
        let double = NSDecimalNumber(decimal: decimal).doubleValue
        if double == double.rounded(), abs(double) < 9e18 { return .integer(Int64(double)) }
        return .real(double)
    }
}

extension PostgresBindings {
    mutating func append(_ value: SQLValue) {
        switch value {
        case .null: appendNull()
        case .integer(let integer): append(integer)
        case .real(let real): append(real)
        case .text(let text): append(text)
        case .blob(let bytes): append(ByteBuffer(bytes: bytes))
        }
    }
}

extension PostgresArchive {
    /// Statements on the pool, each on whichever connection is free.
    var sql: PostgresSQL { PostgresSQL(client: client, logger: logger, deadline: statementDeadline + leaseDeadline, probe: probe) }
}
