import GRDB

/// Turns what a person types into a safe FTS5 pattern. Words match as prefixes (`fox` finds `foxes`), `"quoted
/// words"` match as a phrase, `-word` excludes; every other character is only ever a separator, so a stray quote,
/// `*`, `:`, `(` or `NEAR` never reaches FTS5 as syntax.
public enum SearchPattern {
    /// The pattern for `text`, requiring every term (or, with `anyWord`, any of them); nil when the text holds no
    /// searchable word. Only letters and digits ever appear inside the quotes, so the pattern is always valid.
    public static func make(_ text: String, anyWord: Bool = false) -> String? {
        var included: [String] = []
        var excluded: [String] = []
        for term in terms(in: text) {
            let words = term.text.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
            guard !words.isEmpty else { continue }
            let quoted = "\"" + words.joined(separator: " ") + "\""
            let expression = term.isPhrase ? quoted : words.map { "\"\($0)\"*" }.joined(separator: " ")
            if term.isExcluded {
                excluded.append(term.isPhrase ? quoted : words.map { "\"\($0)\"" }.joined(separator: " NOT "))
            } else {
                included.append(words.count > 1 && !term.isPhrase ? "(\(expression))" : expression)
            }
        }
        guard !included.isEmpty else { return nil }
        var pattern = included.joined(separator: anyWord ? " OR " : " AND ")
        if anyWord && included.count > 1 { pattern = "(\(pattern))" }
        for exclusion in excluded { pattern += " NOT " + exclusion }
        return pattern
    }

    /// Whether FTS5 accepts `pattern`, checked by GRDB's `FTS5Pattern` against a scratch table. The fuzz target and
    /// the tests hold every pattern `make` returns to it; searches do not pay for a scratch database each.
    public static func isValid(_ pattern: String) -> Bool { (try? FTS5Pattern(rawPattern: pattern)) != nil }

    struct Term {
        var text: Substring
        var isPhrase: Bool
        var isExcluded: Bool
    }

    /// Splits on whitespace, keeping `"quoted runs"` (an unclosed quote runs to the end) and a leading `-` together.
    static func terms(in text: String) -> [Term] {
        var terms: [Term] = []
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character.isWhitespace { index = text.index(after: index); continue }
            var excluded = false
            var start = index
            if character == "-", text.index(after: index) < text.endIndex,
                !text[text.index(after: index)].isWhitespace
            {
                excluded = true
                start = text.index(after: index)
            }
            if text[start] == "\"" {
                let open = text.index(after: start)
                let close = text[open...].firstIndex(of: "\"") ?? text.endIndex
                terms.append(Term(text: text[open..<close], isPhrase: true, isExcluded: excluded))
                index = close < text.endIndex ? text.index(after: close) : close
            } else {
                let end = text[start...].firstIndex(where: \.isWhitespace) ?? text.endIndex
                terms.append(Term(text: text[start..<end], isPhrase: false, isExcluded: excluded))
                index = end
            }
        }
        return terms
    }
}
