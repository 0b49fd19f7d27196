/// Turns what a person types into a safe FTS5 pattern. Words match as prefixes (`fox` finds `foxes`), `"quoted
/// words"` match as a phrase, `-word` excludes; every other character is only ever a separator, so a stray quote,
/// `*`, `:`, `(` or `NEAR` never reaches FTS5 as syntax.
public enum SearchPattern {
    /// The pattern for `text`, requiring every term (or, with `anyWord`, any of them); nil when the text holds no
    /// searchable word. Only letters and digits ever appear inside the quotes, so the pattern is always valid.
    /// `wholeTerms` may name the index's terms a word stands for as a prefix (see `expandable`): the word is then
    /// matched as any of them, which finds the same rows as the prefix but lets FTS5 stop early and rank cheaply
    /// (a prefix makes it merge every covered term's whole doclist first); nil keeps the prefix.
    public static func make(_ text: String, anyWord: Bool = false, wholeTerms: (String) -> [String]? = { _ in nil })
        -> String?
    {
        compile(text, anyWord: anyWord) { word in wholeTerms(word)?.map { IndexTerm(term: $0, documents: nil) } }?
            .expression
    }

    /// The pattern for `text` with its phrases in the order FTS5 numbers them (what the ranking weighs).
    package static func compile(_ text: String, anyWord: Bool, wholeTerms: (String) -> [IndexTerm]?) -> CompiledPattern? {
        var included: [String] = []
        var excluded: [String] = []
        var phrases: [CompiledPattern.Phrase] = []
        var excludedPhrases: [CompiledPattern.Phrase] = []
        var groups = 0
        for term in terms(in: text) {
            let words = Self.words(in: term.text)
            guard !words.isEmpty else { continue }
            let quoted = "\"" + words.joined(separator: " ") + "\""
            if term.isExcluded {
                excluded.append(term.isPhrase ? quoted : words.map { "\"\($0)\"" }.joined(separator: " NOT "))
                excludedPhrases += (term.isPhrase ? [quoted] : words).map { _ in .init(group: nil, documents: nil) }
            } else if term.isPhrase {
                included.append(quoted)
                phrases.append(.init(group: groups, documents: nil))
                groups += 1
            } else {
                let expression = words.map { word in
                    let (expression, terms) = prefix(word, wholeTerms)
                    phrases += terms.map { .init(group: groups, documents: $0) }
                    groups += 1
                    return expression
                }.joined(separator: " AND ")
                included.append(words.count > 1 ? "(\(expression))" : expression)
            }
        }
        guard !included.isEmpty else { return nil }
        var pattern = included.joined(separator: anyWord ? " OR " : " AND ")
        if anyWord && included.count > 1 { pattern = "(\(pattern))" }
        for exclusion in excluded { pattern += " NOT " + exclusion }
        return CompiledPattern(expression: pattern, phrases: phrases + excludedPhrases, anyWord: anyWord)
    }

    /// One word matched as a prefix: `"word"*`, or the whole terms it covers, `("word" OR "words")`; and the rows
    /// holding each of its phrases (nil: unknown).
    private static func prefix(_ word: String, _ wholeTerms: (String) -> [IndexTerm]?) -> (String, [Int?]) {
        let folded = word.lowercased()
        guard expandable(folded), let terms = wholeTerms(folded), !terms.isEmpty,
            terms.allSatisfy({ $0.term.hasPrefix(folded) && !$0.term.contains("\"") })
        else { return ("\"\(word)\"*", [nil]) }
        let quoted = terms.map { "\"\($0.term)\"" }
        return (terms.count == 1 ? quoted[0] : "(" + quoted.joined(separator: " OR ") + ")", terms.map(\.documents))
    }

    /// Words whose index form is known without the tokenizer: lower-case ASCII letters and digits (the tokenizer
    /// folds case and diacritics; anything else keeps its prefix match rather than risk a different folding).
    public static func expandable(_ word: String) -> Bool {
        !word.isEmpty && word.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) }
    }

    /// The pattern restricted to the columns people search, and to rows carrying every facet (the team's, the
    /// model's: see migration 0014), which FTS5 intersects without reading the rows. A facet is a quoted phrase, so
    /// whatever its value holds, the tokenizer splits it here as it did in the index.
    package static func restricted(_ pattern: String, facets: [String]) -> String {
        let columns = "{" + searchedColumns.joined(separator: " ") + "} : (\(pattern))"
        let quoted = facets.map { "facets : \"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        return ([columns] + quoted).joined(separator: " AND ")
    }

    /// A facet as the index holds it: a letter for its kind, then the value without `_`, `-` and `.` (removed byte
    /// by byte, as SQLite's `replace` does in the migration's triggers).
    package static func facet(_ kind: Character, _ value: String) -> String {
        String(kind) + String(decoding: value.utf8.filter { ![0x5F, 0x2D, 0x2E].contains($0) }, as: UTF8.self)
    }

    package static let searchedColumns = ["prompt", "negative_prompt", "model", "title", "tags", "note"]

    /// The words of `text`, read scalar by scalar: runs of letters and digits, with the marks that follow them;
    /// every other scalar separates. Characters would not do: a grapheme cluster is judged by its first scalar, and
    /// a Prepend letter (U+0D4E) before `"`, `'` or `\` makes one "letter" of both, carrying the quote into a
    /// pattern. So no word ever holds a quote, a backslash or any other syntax of FTS5 or tsquery.
    package static func words(in text: Substring) -> [String] {
        var words: [String] = []
        var word = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .decimalNumber,
                .letterNumber, .otherNumber:
                word.append(scalar)
            case .nonspacingMark, .spacingMark, .enclosingMark:
                if !word.isEmpty { word.append(scalar) }
            default:
                if !word.isEmpty { words.append(String(word)) }
                word = String.UnicodeScalarView()
            }
        }
        if !word.isEmpty { words.append(String(word)) }
        return words
    }

    package struct Term {
        package var text: Substring
        package var isPhrase: Bool
        package var isExcluded: Bool
    }

    /// Splits on whitespace, keeping `"quoted runs"` (an unclosed quote runs to the end) and a leading `-` together.
    package static func terms(in text: String) -> [Term] {
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

/// A term of the full-text index and how many rows hold it (nil: not counted).
package struct IndexTerm: Sendable, Hashable {
    package var term: String
    package var documents: Int?

    package init(term: String, documents: Int?) { (self.term, self.documents) = (term, documents) }
}

/// An FTS5 pattern and, for the ranking, what is known of each of its phrases in FTS5's numbering.
package struct CompiledPattern: Sendable, Hashable {
    package var expression: String
    package var phrases: [Phrase]
    package var anyWord: Bool

    package struct Phrase: Sendable, Hashable {
        /// The typed word or quoted phrase it stands for (the terms of one prefix share it); nil when excluded.
        package var group: Int?
        /// Rows of the index holding it, when the vocabulary said (whole terms); nil for prefixes and quoted phrases.
        package var documents: Int?
    }

    /// At most how many rows can match, from the vocabulary's counts (every typed word's terms added up; the
    /// rarest word for all of them, the sum for any); nil when a word's count is unknown.
    package var matchesAtMost: Int? {
        var perGroup: [Int: Int] = [:]
        for phrase in phrases {
            guard let group = phrase.group else { continue }
            guard let documents = phrase.documents else { return nil }
            perGroup[group, default: 0] &+= documents
        }
        return anyWord ? perGroup.values.reduce(0, &+) : perGroup.values.min()
    }
}
