import Foundation

/// Reads S3's XML answers (ListObjectsV2 results, error bodies) with a plain scan for the few elements needed: no
/// XML library, and nothing in a hostile body can do more than yield fewer items.
public enum S3ListingParser {
    public static func parse(_ xml: String, dropping prefix: String) -> ([S3Client.ObjectSummary], next: String?) {
        let items = elements("Contents", in: xml[...]).compactMap { contents -> S3Client.ObjectSummary? in
            guard let key = first("Key", in: contents), key.hasPrefix(prefix) else { return nil }
            return S3Client.ObjectSummary(
                key: String(key.dropFirst(prefix.count)), size: first("Size", in: contents).flatMap(Int64.init) ?? 0,
                lastModified: first("LastModified", in: contents).flatMap { try? Date.lastModified.parse($0) })
        }
        let truncated = first("IsTruncated", in: xml[...]) == "true"
        return (items, truncated ? first("NextContinuationToken", in: xml[...]) : nil)
    }

    /// The text of the first `<name>` element, entities decoded.
    static func first(_ name: String, in xml: some StringProtocol) -> String? {
        elements(name, in: Substring(xml)).first.map(unescape)
    }

    static func elements(_ name: String, in xml: Substring) -> [Substring] {
        var found: [Substring] = []
        var rest = xml
        while let open = rest.range(of: "<\(name)>"), let close = rest[open.upperBound...].range(of: "</\(name)>") {
            found.append(rest[open.upperBound..<close.lowerBound])
            rest = rest[close.upperBound...]
        }
        return found
    }

    static func unescape(_ text: Substring) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}

extension Date {
    /// S3's `2026-11-26T05:48:39.000Z`.
    static let lastModified = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
}
