import Archive
import Foundation
import GRDB
import Logging
import PostgresNIO
import Transport

/// SQL run on PostgreSQL the way the SQLite store runs it: statements written with `?` placeholders, values bound
/// from GRDB's `DatabaseValueConvertible`s, and rows handed back as GRDB `Row`s, so the archive's record types
/// decode from either database (one `Generation(row:)`, not two).
struct PostgresSQL: Sendable {
    let client: PostgresClient
    let logger: Logger
    /// The longest a statement (with its wait for a connection) may take.
    let deadline: Duration
    /// Ends the wait early when the server is gone.
    let probe: ServerProbe

    /// Every row of the statement's answer.
    func rows(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?] = []) async throws -> [Row] {
        let (query, client, logger) = (Self.query(sql, arguments), client, logger)
        return try await bounded { try await client.query(query, logger: logger).collect() }.map(Self.row)
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

    /// The first column of the first row (nil for no row or NULL).
    func value<Value: DatabaseValueConvertible>(
        _ type: Value.Type, _ sql: String, _ arguments: [(any DatabaseValueConvertible)?] = []
    ) async throws -> Value? {
        guard let row = try await row(sql, arguments), !row.isEmpty else { return nil }
        return try row.decode(Value?.self, atIndex: 0)
    }

    /// Runs a statement for its effect.
    func execute(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?] = []) async throws {
        let (query, client, logger) = (Self.query(sql, arguments), client, logger)
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

    /// `sql` with its `?` numbered and `arguments` bound.
    static func query(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?]) -> PostgresQuery {
        var bindings = PostgresBindings(capacity: arguments.count)
        for argument in arguments { bindings.append(argument?.databaseValue ?? .null) }
        return PostgresQuery(unsafeSQL: numberingPlaceholders(sql), binds: bindings)
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
    var sql: PostgresSQL { PostgresSQL(client: client, logger: logger, deadline: statementDeadline + leaseDeadline, probe: probe) }
}
