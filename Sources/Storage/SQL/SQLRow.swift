/// One row of an answer: its columns' names and values, in the statement's order.
public struct SQLRow: Sendable {
    public let columns: SQLColumns
    public let values: [SQLValue]

    /// `values` must hold one value per column.
    public init(columns: SQLColumns, values: [SQLValue]) {
        precondition(columns.names.count == values.count, "a row has one value per column")
        self.columns = columns
        self.values = values
    }

    public var names: [String] { columns.names }
    public var count: Int { values.count }
    public var isEmpty: Bool { values.isEmpty }

    /// The value of the column named `column` (the first of that name), or nil when the row has no such column.
    public func value(_ column: String) -> SQLValue? {
        columns.index(of: column).map { values[$0] }
    }

    public func hasColumn(_ column: String) -> Bool { value(column) != nil }

    /// The column named `column` as `T`; a missing column or a value of another kind is an error, never a trap.
    public subscript<T: SQLValueConvertible>(_ column: String) -> T {
        get throws {
            guard let value = value(column) else { throw SQLDecodingError.missingColumn(column) }
            return try Self.convert(value, column: column)
        }
    }

    /// The column at `index` (0 is the first) as `T`.
    public subscript<T: SQLValueConvertible>(_ index: Int) -> T {
        get throws {
            guard values.indices.contains(index) else { throw SQLDecodingError.missingColumn("#\(index)") }
            return try Self.convert(values[index], column: names[index])
        }
    }

    private static func convert<T: SQLValueConvertible>(_ value: SQLValue, column: String) throws -> T {
        guard let converted = T(sqlValue: value) else {
            throw SQLDecodingError.mismatch(column: column, expected: "\(T.self)", found: value.kind)
        }
        return converted
    }
}

/// Why a row could not be read as the code expects: always a fault of the code or the schema, named precisely.
public enum SQLDecodingError: Error, CustomStringConvertible, Equatable {
    case missingColumn(String)
    case mismatch(column: String, expected: String, found: String)
    /// A database column of a type the archive never declares (PostgreSQL's `tsvector`, say) was selected.
    case unmappedType(column: String, type: String)

    public var description: String {
        switch self {
        case .missingColumn(let column): "the row has no column \(column)"
        case .mismatch(let column, let expected, let found): "column \(column) holds \(found), not \(expected)"
        case .unmappedType(let column, let type): "column \(column) has type \(type), which the archive does not read"
        }
    }
}

/// The column names of an answer, shared by all its rows, with an index by name built once per answer (records read
/// thirty columns by name from thousands of rows).
public final class SQLColumns: Sendable {
    public let names: [String]
    private let positions: [String: Int]

    public init(_ names: [String]) {
        self.names = names
        var positions: [String: Int] = [:]
        for (index, name) in names.enumerated() where positions[name] == nil { positions[name] = index }
        self.positions = positions
    }

    /// Where the column named `name` is: an exact match, else one that differs only in case (PostgreSQL folds
    /// unquoted names to lower case).
    public func index(of name: String) -> Int? {
        if let index = positions[name] { return index }
        let lowered = name.lowercased()
        return names.firstIndex { $0.lowercased() == lowered }
    }
}
