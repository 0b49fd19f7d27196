import Crypto
import Foundation
import Transport

/// Where the next page of a search starts: the last hit shown (its `seq`, its creation time when browsing, its
/// position in the ranking for text), the newest `seq` the first page could see (rows added later stay out, so
/// they never push rows between pages), and a fingerprint of the query (a cursor only continues the search that
/// made it). Opaque to clients: base64url JSON.
public struct SearchCursor: Sendable, Hashable, Codable {
    /// Creation time of the last hit (browsing without text).
    package var sortKey: Double
    package var seq: Int64
    /// How many hits the pages so far showed (text: where to continue if the last hit is gone).
    package var offset: Int
    package var snapshotSeq: Int64
    package var fingerprint: String
    /// Text: the newest `seq` of the ranking window the next page is in (nil: the first window).
    package var windowTop: Int64?

    enum CodingKeys: String, CodingKey {
        case sortKey = "k", seq = "s", offset = "o", snapshotSeq = "m", fingerprint = "f", windowTop = "w"
    }

    /// How deep text paging goes: the cursor's offset comes from the client, so it is bounded before any use.
    static let maxOffset = 1_000_000

    public var token: String {
        let data = (try? JSONEncoder().encode(self)) ?? Data()
        return data.base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    public init?(token: String) {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard token.count < 512, let data = Data(base64Encoded: base64),
            let cursor = try? JSONDecoder().decode(SearchCursor.self, from: data),
            (0...Self.maxOffset).contains(cursor.offset), cursor.sortKey.isFinite
        else { return nil }
        self = cursor
    }

    package init(sortKey: Double, seq: Int64, offset: Int, snapshotSeq: Int64, fingerprint: String, windowTop: Int64? = nil) {
        self.sortKey = sortKey
        self.seq = seq
        self.offset = offset
        self.snapshotSeq = snapshotSeq
        self.fingerprint = fingerprint
        self.windowTop = windowTop
    }
}

/// Why a search was refused.
public enum SearchError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidCursor

    public var description: String {
        "the cursor is malformed or belongs to a different search (repeat the same filters, or start over without it)"
    }
}

extension GenerationQuery {
    /// Everything that selects and orders rows (not the page size or the cursor), hashed.
    package var fingerprint: String {
        var copy = self
        copy.cursor = nil
        copy.limit = 0
        return SHA256.hash(data: Data(String(describing: copy).utf8)).prefix(8).lowercaseHex
    }
}

/// What one page asks for, and what its cursor carries forward.
package struct PageRequest {
    package var limit: Int
    package var snapshotSeq: Int64
    package var fingerprint: String
    package var cursor: SearchCursor?

    package init(limit: Int, snapshotSeq: Int64, fingerprint: String, cursor: SearchCursor?) {
        (self.limit, self.snapshotSeq, self.fingerprint, self.cursor) = (limit, snapshotSeq, fingerprint, cursor)
    }

    package func next(sortKey: Double = 0, seq: Int64, offset: Int, windowTop: Int64? = nil) -> SearchCursor {
        SearchCursor(
            sortKey: sortKey, seq: seq, offset: offset, snapshotSeq: snapshotSeq, fingerprint: fingerprint,
            windowTop: windowTop)
    }
}
