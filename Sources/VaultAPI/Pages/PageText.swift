import Foundation
import Mustache

/// The pages' words in one language, from the embedded tables `Strings/strings-<language>.json` (key to text).
/// Templates read them as `{{t.key}}`; a text may hold values of the page (`{{count}} results`), rendered with
/// the page's escaping. Swift code asks with `text("key", ["count": "3"])`. A key missing from a translation
/// falls back to English (`LanguageTests` keeps the tables whole).
struct PageText: MustacheParent, Sendable {
    /// Texts without values as strings, the others as templates (parsed once).
    private let entries: [String: any Sendable]
    let raw: [String: String]

    init(raw: [String: String], fallback: PageText? = nil) {
        let merged = (fallback?.raw ?? [:]).merging(raw) { _, own in own }
        self.raw = merged
        entries = merged.mapValues { text -> any Sendable in
            guard text.contains("{{") else { return text }
            guard let template = try? MustacheTemplate(string: Pages.scalarEscaping + text) else {
                preconditionFailure("page text does not parse: \(text)")
            }
            return template
        }
    }

    func child(named name: String) -> Any? { entries[name] ?? name }

    /// The text of `key` with `{{name}}` replaced by each value (as given: the caller escapes for HTML if needed).
    func callAsFunction(_ key: String, _ values: [String: String] = [:]) -> String {
        var text = raw[key] ?? key
        for (name, value) in values { text = text.replacingOccurrences(of: "{{\(name)}}", with: value) }
        return text
    }

    static let english = PageText(raw: table(.english))
    static let tables: [PageLanguage: PageText] = Dictionary(
        uniqueKeysWithValues: PageLanguage.allCases.map {
            ($0, $0 == .english ? english : PageText(raw: table($0), fallback: english))
        })

    /// A language's embedded table, as written.
    static func table(_ language: PageLanguage) -> [String: String] {
        guard let data = EmbeddedFiles.data(named: "strings-\(language.rawValue).json"),
            let table = try? JSONDecoder().decode([String: String].self, from: data)
        else { preconditionFailure("strings-\(language.rawValue).json is missing or not an object of strings") }
        return table
    }
}
