/// A statement or a part of one, with its values bound where they are written:
///
///     db.execute("UPDATE generations SET note = \(note) WHERE id = \(id)")
///
/// An interpolated value is always bound, never spliced into the text; SQL text from the code itself (a column
/// name, a dialect's spelling) goes in as `\(raw: text)` and parts of statements as `\(fragment)`. Each database
/// renders the placeholders its own way (`?` for SQLite, `$1, $2, …` for PostgreSQL), so the text is never scanned.
public struct SQLText: Sendable, ExpressibleByStringInterpolation {
    fileprivate enum Piece: Sendable {
        case text(String)
        case value(SQLValue)
    }

    fileprivate var pieces: [Piece]

    public init(stringLiteral text: String) {
        pieces = text.isEmpty ? [] : [.text(text)]
    }

    public init(stringInterpolation: StringInterpolation) {
        pieces = stringInterpolation.pieces
    }

    /// Trusted text from the code (never from a request or a row).
    public init(raw text: String) {
        self.init(stringLiteral: text)
    }

    /// `values` bound and separated by commas (for `IN (…)` and `VALUES (…)`).
    public static func list(_ values: [SQLValue]) -> SQLText {
        var list = SQLText(stringLiteral: "")
        for (index, value) in values.enumerated() {
            if index > 0 { list.pieces.append(.text(", ")) }
            list.pieces.append(.value(value))
        }
        return list
    }

    public static func list<Value: SQLValueConvertible>(_ values: [Value]) -> SQLText {
        list(values.map(\.sqlValue))
    }

    public var isEmpty: Bool { pieces.isEmpty }

    public mutating func append(_ other: SQLText) {
        pieces += other.pieces
    }

    public static func + (lhs: SQLText, rhs: SQLText) -> SQLText {
        var joined = lhs
        joined.append(rhs)
        return joined
    }

    /// The text as `dialect` writes placeholders, and the values in the order they are bound.
    public func rendered(_ dialect: SQLDialect) -> (sql: String, values: [SQLValue]) {
        var sql = ""
        var values: [SQLValue] = []
        for piece in pieces {
            switch piece {
            case .text(let text): sql += text
            case .value(let value):
                values.append(value)
                switch dialect {
                case .sqlite: sql += "?"
                case .postgres: sql += "$\(values.count)"
                }
            }
        }
        return (sql, values)
    }

    public struct StringInterpolation: StringInterpolationProtocol {
        fileprivate var pieces: [Piece] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            pieces.reserveCapacity(2 * interpolationCount + 1)
        }

        public mutating func appendLiteral(_ literal: String) {
            if !literal.isEmpty { pieces.append(.text(literal)) }
        }

        /// A bound value.
        public mutating func appendInterpolation<Value: SQLValueConvertible>(_ value: Value) {
            pieces.append(.value(value.sqlValue))
        }

        /// A part of a statement, its values bound where it wrote them.
        public mutating func appendInterpolation(_ fragment: SQLText) {
            pieces += fragment.pieces
        }

        /// Trusted text from the code: a name, a keyword, a dialect's spelling.
        public mutating func appendInterpolation(raw text: String) {
            appendLiteral(text)
        }

        /// Values bound and separated by commas.
        public mutating func appendInterpolation<Value: SQLValueConvertible>(list values: [Value]) {
            pieces += SQLText.list(values).pieces
        }
    }
}

extension Sequence<SQLText> {
    /// The parts with `separator` (trusted text) between them.
    public func joined(separator: String) -> SQLText {
        var joined = SQLText(stringLiteral: "")
        for (index, part) in enumerated() {
            if index > 0 { joined.append(SQLText(raw: separator)) }
            joined.append(part)
        }
        return joined
    }
}

/// Where the two databases spell a statement differently.
public enum SQLDialect: Sendable {
    case sqlite, postgres
}
