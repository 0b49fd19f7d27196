import Mustache
import Storage

extension StringProtocol {
    /// The text made safe for HTML content and quoted attribute values. Judged by Unicode scalar, never by
    /// `Character`: a combining mark after `<` (or a prepended mark before it) makes one grapheme that a
    /// per-`Character` lookup misses, and the browser still reads a `<`.
    public var htmlEscaped: String {
        var escaped = String.UnicodeScalarView()
        for scalar in unicodeScalars {
            switch scalar {
            case "<": escaped.append(contentsOf: "&lt;".unicodeScalars)
            case ">": escaped.append(contentsOf: "&gt;".unicodeScalars)
            case "&": escaped.append(contentsOf: "&amp;".unicodeScalars)
            case "\"": escaped.append(contentsOf: "&quot;".unicodeScalars)
            case "'": escaped.append(contentsOf: "&#39;".unicodeScalars)
            default: escaped.append(scalar)
            }
        }
        return String(escaped)
    }
}

extension Snippet {
    /// The fragment as HTML: text escaped, matches in `<mark>` (tags always balance).
    public var html: String {
        segments.map { $0.isMatch ? "<mark>" + $0.text.htmlEscaped + "</mark>" : $0.text.htmlEscaped }.joined()
    }
}

/// Mustache's `{{ }}` escaping by Unicode scalar. Swift-mustache's own HTML escaping walks `Character`s (see
/// `htmlEscaped`), so every template is rendered with this one instead (`Pages` selects it in each template).
struct ScalarHTMLContentType: MustacheContentType {
    static let name = "HTML_BY_SCALAR"

    func escapeText(_ text: String) -> String { text.htmlEscaped }
}
