import Foundation
import Synchronization

/// The one JSON configuration of EachVault's API, shared by the server and its clients: ISO 8601 dates, sorted keys.
/// Names are snake_case by the naming rule of `SnakeCase` (acronyms kept whole: `predictionID` ⇄ `prediction_id`),
/// spelled in each type's `CodingKeys` rather than converted per key at run time (a key strategy cost 0.5 ms of a
/// page of 50 generations); `ContractTests` holds every type's keys to the rule. String-keyed dictionaries (a
/// generation's `input`) keep their keys as they are.
public enum ContractJSON {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}

/// The naming rule between Swift properties and snake_case names, used for the API's JSON and for database columns.
public enum SnakeCase {
    /// Words whose letters are all capitals in Swift names.
    private static let acronyms: [String: String] = [
        "id": "ID", "ids": "IDs", "url": "URL", "urls": "URLs", "usd": "USD", "sha256": "SHA256",
    ]

    /// `predictionID` → `prediction_id`, `costUSD` → `cost_usd`, `durationS` → `duration_s`: a word starts at each
    /// capital after a lower-case letter or digit; a run of capitals is one word.
    public static func snake(_ name: String) -> String {
        var result = ""
        var previous: Character?
        for character in name {
            if character.isUppercase, let previous, previous.isLowercase || previous.isNumber {
                result.append("_")
            }
            result += character.lowercased()
            previous = character
        }
        return result
    }

    /// ``snake(_:)`` and ``camel(_:)`` computed once per name, for GRDB's column coding strategy of the records that
    /// decode through Codable (it asks for every column of every row). Bounded: names past 1,024 are converted, not
    /// kept.
    public static func memoizedSnake(_ name: String) -> String { memoized(name, in: snakeNames, snake) }

    public static func memoizedCamel(_ name: String) -> String { memoized(name, in: camelNames, camel) }

    private static let snakeNames = Mutex<[String: String]>([:])
    private static let camelNames = Mutex<[String: String]>([:])

    private static func memoized(
        _ name: String, in cache: borrowing Mutex<[String: String]>, _ convert: (String) -> String
    ) -> String {
        if let known = cache.withLock({ $0[name] }) { return known }
        let converted = convert(name)
        cache.withLock { if $0.count < 1024 { $0[name] = converted } }
        return converted
    }

    /// A coding key of a converted name.
    public struct Key: CodingKey {
        public var stringValue: String
        public var intValue: Int? { nil }
        public init(_ string: String) { stringValue = string }
        public init?(stringValue: String) { self.stringValue = stringValue }
        public init?(intValue: Int) { nil }
    }

    /// The inverse of ``snake(_:)``: `prediction_id` → `predictionID`, `saved_usd` → `savedUSD`.
    public static func camel(_ name: String) -> String {
        let words = name.split(separator: "_", omittingEmptySubsequences: false)
        guard let first = words.first, words.count > 1 else { return name }
        return String(first)
            + words.dropFirst().map { word in
                acronyms[String(word)] ?? (word.prefix(1).uppercased() + word.dropFirst())
            }.joined()
    }
}
