import EachLabs
import Foundation
import Hummingbird
import HummingbirdCore
import Storage
import Transport
import VaultContract
import VaultDomain

extension GenerationQuery {
    /// The longest search text taken: a query is a few words, and each word is one more term to rank.
    static let maxTextBytes = 512

    /// Reads the search parameters shared by `GET /v1/generations` and the gallery; an unreadable value is a 400
    /// naming the parameter (empty values count as absent, as an HTML form sends them).
    init(teamID: String, parameters: FlatDictionary<Substring, Substring>, defaultLimit: Int = 50) throws {
        func value(_ name: String) -> String? {
            parameters.get(name).flatMap { $0.trimmingCharacters(in: CharacterSet.whitespaces).isEmpty ? nil : $0 }
        }
        func parse<T>(_ name: String, _ expected: String, _ read: (String) -> T?) throws -> T? {
            guard let text = value(name) else { return nil }
            guard let parsed = read(text) else { throw APIError.badRequest("\(name) must be \(expected), not '\(text)'") }
            return parsed
        }
        let number: (String) -> Double? = { Double($0).flatMap { $0.isFinite && $0 >= 0 ? $0 : nil } }
        let flag: (String) -> Bool? = { ["true": true, "1": true, "false": false, "0": false][$0] }
        if let text = value("q"), text.utf8.count > Self.maxTextBytes {
            throw APIError.badRequest("q must be at most \(Self.maxTextBytes) bytes")
        }
        self.init(teamID: teamID, text: value("q"), model: value("model"))
        category = try parse(
            "category", "one of " + ProviderModel.Kind.allCases.map(\.rawValue).joined(separator: ", "),
            { ProviderModel.Kind(rawValue: $0)?.rawValue })
        tag = value("tag")
        status = try parse(
            "status", "one of " + GenerationStatus.allCases.map(\.rawValue).joined(separator: ", "),
            GenerationStatus.init(rawValue:))
        createdAfter = try parse("from", "a date (2026-01-31) or an ISO 8601 time") { Self.time($0, endOfDay: false) }
        createdBefore = try parse("to", "a date (2026-01-31) or an ISO 8601 time") { Self.time($0, endOfDay: true) }
        minDuration = try parse("min_duration", "seconds", number)
        maxDuration = try parse("max_duration", "seconds", number)
        minCost = try parse("min_cost", "an amount in USD", number)
        maxCost = try parse("max_cost", "an amount in USD", number)
        resolution = try parse("resolution", "WIDTHxHEIGHT (1280x720) or the short side (720p)", Resolution.init)
        hasAudio = try parse("has_audio", "true or false", flag)
        favourite = try parse("favourite", "true or false", flag)
        collectionID = try parse("collection", "a collection's id (col_…)") { $0.hasPrefix("col_") && $0.utf8.count <= 64 ? $0 : nil }
        inputSHA256 = try parse("input", "a file's SHA-256 (64 hex characters)") { text in
            text.lowercased().isSHA256Hex ? text.lowercased() : nil
        }
        limit =
            try parse("limit", "a whole number from 1 to 500") { Int($0).flatMap { (1...500).contains($0) ? $0 : nil } }
            ?? defaultLimit
        cursor = try parse("cursor", "a cursor handed out by an earlier page", SearchCursor.init(token:))
    }

    /// `2026-01-31` (the whole day: from its start, or to its end) or a full ISO 8601 time.
    static func time(_ text: String, endOfDay: Bool) -> Date? {
        if let instant = try? Date(text, strategy: .iso8601) { return instant }
        guard let day = try? Date(text, strategy: Date.ISO8601FormatStyle().year().month().day()) else { return nil }
        return endOfDay ? day.addingTimeInterval(86400) : day
    }
}
