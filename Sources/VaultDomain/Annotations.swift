import Foundation

/// The one rule for a generation's tags and note, wherever they are written: a create, `PATCH`, the gallery's bulk
/// edits, the store's merge of added tags. A tag is trimmed and in Unicode NFC, 1 to 64 bytes of UTF-8 without
/// control characters; a generation has at most 16 (compared case-insensitively, the first spelling kept); a note is
/// trimmed, NFC, at most 4,000 bytes.
public enum Annotations {
    public static let maxTags = 16
    public static let maxTagBytes = 64
    public static let maxNoteBytes = 4_000

    /// Why tags or a note are refused, naming the field as the request spelled it.
    public struct Refusal: Error, Sendable, Equatable {
        public var field: String
        public var problem: String

        public init(field: String, problem: String) {
            self.field = field
            self.problem = problem
        }
    }

    /// `raw` as stored: normalised, empty entries dropped, case-insensitive repeats dropped; or why not.
    public static func tags(_ raw: [String], field: String = "tags") throws(Refusal) -> [String] {
        var seen = Set<String>()
        var tags: [String] = []
        for (index, entry) in raw.enumerated() {
            let tag = normalised(entry)
            guard !tag.isEmpty else { continue }
            guard tag.utf8.count <= maxTagBytes, !tag.unicodeScalars.contains(where: isControl) else {
                throw Refusal(
                    field: "\(field)[\(index)]",
                    problem: "a tag is at most \(maxTagBytes) bytes of UTF-8, without control characters")
            }
            if seen.insert(tag.lowercased()).inserted { tags.append(tag) }
        }
        guard tags.count <= maxTags else { throw tooMany(field) }
        return tags
    }

    /// `existing` with `removing` taken out and `adding` put at the end (both compared case-insensitively), or why
    /// the result would break the rule.
    public static func merged(_ existing: [String], adding: [String], removing: [String]) throws(Refusal) -> [String] {
        let added = try tags(adding, field: "adding")
        let removed = Set(try tags(removing, field: "removing").map { $0.lowercased() })
        var kept = existing.filter { !removed.contains($0.lowercased()) }
        for tag in added where !kept.contains(where: { $0.lowercased() == tag.lowercased() }) { kept.append(tag) }
        guard kept.count <= maxTags else { throw tooMany("tags") }
        return kept
    }

    /// A note as stored, or why not.
    public static func note(_ raw: String) throws(Refusal) -> String {
        let note = normalised(raw)
        guard note.utf8.count <= maxNoteBytes else {
            throw Refusal(field: "note", problem: "a note is at most \(maxNoteBytes) bytes of UTF-8")
        }
        return note
    }

    private static func normalised(_ text: String) -> String {
        text.trimmingCharacters(in: .whitespacesAndNewlines).precomposedStringWithCanonicalMapping
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.generalCategory == .control }

    private static func tooMany(_ field: String) -> Refusal {
        Refusal(field: field, problem: "a generation has at most \(maxTags) tags")
    }
}
