import Foundation
import GRDB
import VaultContract

/// A generation's life cycle as EachVault reports it.
extension GenerationStatus: DatabaseValueConvertible {}

/// Records store dates as Unix seconds and JSON with sorted keys; columns are the snake_case of the properties
/// (`predictionID` in `prediction_id`), the naming rule the API's JSON follows too.
public protocol ArchiveRecord: Codable, FetchableRecord, PersistableRecord, Sendable {}

extension ArchiveRecord {
    public static var databaseColumnDecodingStrategy: DatabaseColumnDecodingStrategy {
        .custom { column in SnakeCase.Key(SnakeCase.camel(column)) }
    }

    public static var databaseColumnEncodingStrategy: DatabaseColumnEncodingStrategy {
        .custom { key in SnakeCase.snake(key.stringValue) }
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

extension Date {
    /// Unix seconds: how times are stored and bound in SQL (GRDB would bind a `Date` as text).
    public var unix: Double { timeIntervalSince1970 }
}
