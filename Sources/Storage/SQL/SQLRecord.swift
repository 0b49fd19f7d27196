import Foundation
import VaultDomain

/// A type stored as one row of a table. Columns are the snake_case of the properties (`predictionID` in
/// `prediction_id`, the rule the API's JSON follows too); times are Unix seconds, values of other types (an input
/// dictionary, a tag list) JSON text with sorted keys.
public protocol SQLRecord: Codable, Sendable {
    static var tableName: String { get }
    /// Reads the record from a row (by default through `Codable`; records read by the thousand decode by hand).
    init(row: SQLRow) throws
}

extension SQLRecord {
    public init(row: SQLRow) throws {
        try self.init(from: RowDecoder(row: row))
    }

    /// The record's columns in the order of its properties, a nil property as NULL.
    public func columnValues() throws -> [(name: String, value: SQLValue)] {
        let encoder = RowEncoder()
        try encode(to: encoder)
        if let failure = encoder.failure { throw failure }
        return encoder.columns
    }

    /// A JSON column's value (`input`, `tags`), read with one shared decoder.
    public static func decodeJSON<T: Decodable>(_ type: T.Type, _ text: String?) throws -> T {
        try ColumnCoding.decoder.decode(T.self, from: Data((text ?? "null").utf8))
    }
}

/// How one property becomes one column and back.
enum ColumnCoding {
    static let decoder = JSONDecoder()
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func decode<T: Decodable>(_ type: T.Type, from value: SQLValue, column: String) throws -> T {
        if let convertible = T.self as? any SQLValueConvertible.Type {
            guard let decoded = convertible.init(sqlValue: value) as? T else {
                throw SQLDecodingError.mismatch(column: column, expected: "\(T.self)", found: value.kind)
            }
            return decoded
        }
        let json: String
        switch value {
        case .null: json = "null"
        case .integer(let integer): json = String(integer)
        case .real(let real): json = String(real)
        case .text(let text): json = text
        case .blob: throw SQLDecodingError.mismatch(column: column, expected: "\(T.self)", found: value.kind)
        }
        return try decoder.decode(T.self, from: Data(json.utf8))
    }

    static func encode<T: Encodable>(_ value: T) throws -> SQLValue {
        if let convertible = value as? any SQLValueConvertible { return convertible.sqlValue }
        let json = try encoder.encode(value)
        switch json.first {
        case UInt8(ascii: "{"), UInt8(ascii: "["): return .text(String(decoding: json, as: UTF8.self))
        case UInt8(ascii: "\""): return .text(try decoder.decode(String.self, from: json))
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .integer(try decoder.decode(Bool.self, from: json) ? 1 : 0)
        case UInt8(ascii: "n"): return .null
        default:
            if let integer = try? decoder.decode(Int64.self, from: json) { return .integer(integer) }
            return .real(try decoder.decode(Double.self, from: json))
        }
    }
}

/// A record read from a row, property by column.
private struct RowDecoder: Decoder {
    let row: SQLRow
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(Columns(row: row))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer { throw Self.notFlat }
    func singleValueContainer() throws -> any SingleValueDecodingContainer { throw Self.notFlat }

    static let notFlat = DecodingError.typeMismatch(
        SQLRow.self, .init(codingPath: [], debugDescription: "a record is read from a row as named columns"))

    struct Columns<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let row: SQLRow
        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] { row.names.compactMap { Key(stringValue: SnakeCase.memoizedCamel($0)) } }

        private func column(_ key: Key) -> String { SnakeCase.memoizedSnake(key.stringValue) }
        func contains(_ key: Key) -> Bool { row.value(column(key)) != nil }
        func decodeNil(forKey key: Key) throws -> Bool { (row.value(column(key)) ?? .null) == .null }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            let name = column(key)
            guard let value = row.value(name) else { throw SQLDecodingError.missingColumn(name) }
            return try ColumnCoding.decode(T.self, from: value, column: name)
        }

        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try value(key) }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try value(key) }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try value(key) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try value(key) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try value(key) }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { Float(try value(key) as Double) }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try narrow(key) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try narrow(key) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try narrow(key) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try narrow(key) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try narrow(key) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try narrow(key) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try narrow(key) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try narrow(key) }

        private func value<T: SQLValueConvertible>(_ key: Key) throws -> T { try row[column(key)] }

        /// An integer column as a narrower integer type; one out of its range is an error.
        private func narrow<T: FixedWidthInteger>(_ key: Key) throws -> T {
            let wide: Int64 = try value(key)
            guard let narrow = T(exactly: wide) else {
                throw SQLDecodingError.mismatch(column: column(key), expected: "\(T.self)", found: "integer out of range")
            }
            return narrow
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
            -> KeyedDecodingContainer<NestedKey>
        { throw RowDecoder.notFlat }
        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { throw RowDecoder.notFlat }
        func superDecoder() throws -> any Decoder { throw RowDecoder.notFlat }
        func superDecoder(forKey key: Key) throws -> any Decoder { throw RowDecoder.notFlat }
    }
}

/// A record written as a row: one column per property, in the order the record encodes them.
private final class RowEncoder: Encoder {
    var columns: [(name: String, value: SQLValue)] = []
    /// Set when the record asked for more than flat columns (a programming error, reported rather than trapped).
    var failure: (any Error)?
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(Columns(encoder: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        fail()
        return Discard(encoder: self)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        fail()
        return Discard(encoder: self)
    }

    func fail() {
        failure = EncodingError.invalidValue(
            columns, .init(codingPath: [], debugDescription: "a record is written to a row as named columns"))
    }

    struct Columns<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let encoder: RowEncoder
        var codingPath: [any CodingKey] { [] }

        private func add(_ key: Key, _ value: SQLValue) {
            encoder.columns.append((SnakeCase.memoizedSnake(key.stringValue), value))
        }

        mutating func encodeNil(forKey key: Key) throws { add(key, .null) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { add(key, try ColumnCoding.encode(value)) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { add(key, value.sqlValue) }
        mutating func encode(_ value: String, forKey key: Key) throws { add(key, value.sqlValue) }
        mutating func encode(_ value: Double, forKey key: Key) throws { add(key, value.sqlValue) }
        mutating func encode(_ value: Float, forKey key: Key) throws { add(key, Double(value).sqlValue) }
        mutating func encode(_ value: Int, forKey key: Key) throws { add(key, value.sqlValue) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { add(key, .integer(Int64(value))) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { add(key, .integer(Int64(value))) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { add(key, .integer(Int64(value))) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { add(key, .integer(value)) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { try encode(UInt64(value), forKey: key) }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { add(key, .integer(Int64(value))) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { add(key, .integer(Int64(value))) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { add(key, .integer(Int64(value))) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws {
            guard let integer = Int64(exactly: value) else {
                throw EncodingError.invalidValue(value, .init(codingPath: [key], debugDescription: "beyond Int64"))
            }
            add(key, .integer(integer))
        }

        // A nil property is a NULL column (the synthesized encoding would leave it out, and every row of a table
        // must name the same columns).
        mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
            if let value { try encode(value, forKey: key) } else { add(key, .null) }
        }
        mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { add(key, value.sqlValue) }
        mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { add(key, value.sqlValue) }
        mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { add(key, value.sqlValue) }
        mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { add(key, value.sqlValue) }
        mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { add(key, value.sqlValue) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
            -> KeyedEncodingContainer<NestedKey>
        {
            encoder.fail()
            return KeyedEncodingContainer(Columns<NestedKey>(encoder: RowEncoder()))
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            encoder.fail()
            return Discard(encoder: RowEncoder())
        }

        mutating func superEncoder() -> any Encoder {
            encoder.fail()
            return RowEncoder()
        }

        mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder() }
    }

    /// What a record that is not flat writes into: nothing (the encoder's `failure` says why).
    struct Discard: UnkeyedEncodingContainer, SingleValueEncodingContainer {
        let encoder: RowEncoder
        var codingPath: [any CodingKey] { [] }
        var count: Int { 0 }
        mutating func encodeNil() throws {}
        mutating func encode<T: Encodable>(_ value: T) throws {}
        mutating func encode(_ value: Bool) throws {}
        mutating func encode(_ value: String) throws {}
        mutating func encode(_ value: Double) throws {}
        mutating func encode(_ value: Float) throws {}
        mutating func encode(_ value: Int) throws {}
        mutating func encode(_ value: Int8) throws {}
        mutating func encode(_ value: Int16) throws {}
        mutating func encode(_ value: Int32) throws {}
        mutating func encode(_ value: Int64) throws {}
        mutating func encode(_ value: UInt) throws {}
        mutating func encode(_ value: UInt8) throws {}
        mutating func encode(_ value: UInt16) throws {}
        mutating func encode(_ value: UInt32) throws {}
        mutating func encode(_ value: UInt64) throws {}
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
            -> KeyedEncodingContainer<NestedKey>
        { KeyedEncodingContainer(Columns<NestedKey>(encoder: RowEncoder())) }
        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { self }
        mutating func superEncoder() -> any Encoder { RowEncoder() }
    }
}
