import Foundation
import GRDB
import Synchronization
import VaultContract

/// A generation's life cycle as EachVault reports it.
extension GenerationStatus: DatabaseValueConvertible {}

/// Records store dates as Unix seconds and JSON with sorted keys; columns are the snake_case of the properties
/// (`predictionID` in `prediction_id`), the naming rule the API's JSON follows too.
public protocol ArchiveRecord: Codable, FetchableRecord, PersistableRecord, Sendable {}

extension ArchiveRecord {
    public static var databaseColumnDecodingStrategy: DatabaseColumnDecodingStrategy {
        .custom { column in SnakeCase.Key(ColumnNames.property(forColumn: column)) }
    }

    public static var databaseColumnEncodingStrategy: DatabaseColumnEncodingStrategy {
        .custom { key in ColumnNames.column(forProperty: key.stringValue) }
    }

    public static func databaseDateEncodingStrategy(for column: String) -> DatabaseDateEncodingStrategy {
        .timeIntervalSince1970
    }

    public static func databaseDateDecodingStrategy(for column: String) -> DatabaseDateDecodingStrategy {
        .timeIntervalSince1970
    }

    public static func databaseJSONEncoder(for column: String) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

/// The naming rule applied once per name, not once per column of every row decoded (GRDB asks for each column of
/// each row; the archive's names are a few dozen).
enum ColumnNames {
    private static let properties = Mutex<[String: String]>([:])
    private static let columns = Mutex<[String: String]>([:])

    static func property(forColumn column: String) -> String {
        memoized(column, in: properties, SnakeCase.camel)
    }

    static func column(forProperty property: String) -> String {
        memoized(property, in: columns, SnakeCase.snake)
    }

    private static func memoized(_ name: String, in cache: borrowing Mutex<[String: String]>, _ convert: (String) -> String)
        -> String
    {
        if let known = cache.withLock({ $0[name] }) { return known }
        let converted = convert(name)
        cache.withLock { $0[name] = converted }
        return converted
    }
}

extension Date {
    /// Unix seconds: how times are stored and bound in SQL (GRDB would bind a `Date` as text).
    public var unix: Double { timeIntervalSince1970 }
}
