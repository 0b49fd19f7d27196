import Foundation
import Hummingbird

/// An `application/x-www-form-urlencoded` body, in field order; a repeated name keeps its last value.
struct FormBody {
    private(set) var fields: [(name: String, value: String)] = []

    init(_ request: Request, limit: Int = 64 * 1024) async throws {
        let buffer = try await request.body.collect(upTo: limit)
        for pair in String(buffer: buffer).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            fields.append((Self.decode(parts[0]), parts.count > 1 ? Self.decode(parts[1]) : ""))
        }
    }

    subscript(name: String) -> String? { fields.last { $0.name == name }?.value }

    private static func decode(_ text: Substring) -> String {
        String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
    }
}
