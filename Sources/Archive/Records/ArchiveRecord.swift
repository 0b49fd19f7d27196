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
        .custom { column in SnakeCase.Key(SnakeCase.memoizedCamel(column)) }
    }

    public static var databaseColumnEncodingStrategy: DatabaseColumnEncodingStrategy {
        .custom { key in SnakeCase.memoizedSnake(key.stringValue) }
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

extension ArchiveRecord {
    /// A JSON column's value (`input`, `tags`), read with one shared decoder.
    static func decodeJSON<T: Decodable>(_ type: T.Type, _ text: String?) throws -> T {
        try jsonColumnDecoder.decode(T.self, from: Data((text ?? "null").utf8))
    }
}

private let jsonColumnDecoder = JSONDecoder()

extension Date {
    /// Unix seconds: how times are stored and bound in SQL (GRDB would bind a `Date` as text).
    public var unix: Double { timeIntervalSince1970 }
}
