import Foundation
import GRDB

/// A generation's life cycle as EachVault reports it.
public enum GenerationStatus: String, Sendable, Codable, CaseIterable, DatabaseValueConvertible {
    case pending, submitted, processing, downloading, completed, failed, cancelled

    public var isFinal: Bool { self == .completed || self == .failed || self == .cancelled }
}

/// Records store dates as Unix seconds and JSON with sorted keys.
public protocol ArchiveRecord: Codable, FetchableRecord, PersistableRecord, Sendable {}

extension ArchiveRecord {
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
