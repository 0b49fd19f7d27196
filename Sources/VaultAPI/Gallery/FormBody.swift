import Foundation
import Hummingbird

/// An `application/x-www-form-urlencoded` body, in field order; a repeated name keeps its last value.
public struct FormBody: Sendable {
    public private(set) var fields: [(name: String, value: String)] = []

    init(_ request: Request, limit: Int = 64 * 1024) async throws {
        self.init(encoded: String(buffer: try await request.body.collect(upTo: limit)))
    }

    public init(encoded text: String) {
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            fields.append((Self.decode(parts[0]), parts.count > 1 ? Self.decode(parts[1]) : ""))
        }
    }

    public subscript(name: String) -> String? { fields.last { $0.name == name }?.value }

    private static func decode(_ text: Substring) -> String {
        String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
    }
}
