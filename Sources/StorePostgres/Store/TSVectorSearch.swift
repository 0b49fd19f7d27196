import Foundation
import Storage

/// Text search on PostgreSQL: the same query language as SQLite's FTS5 search (`SearchPattern`: words as prefixes,
/// `"quoted phrases"`, `-exclusions`, every other character a separator) turned into a `tsquery` over the `search`
/// vector (weights A prompt, B tags, C model and title, D negative prompt and note), ranked by `ts_rank`, with the
/// prompt's matches marked as in SQLite's snippets, paged by position within the first page's snapshot.
extension SQLSession {
    package func tsvectorSearch(_ query: GenerationQuery) throws -> SearchPage {
        if let cursor = query.cursor, cursor.fingerprint != query.fingerprint { throw SearchError.invalidCursor }
        let snapshotSeq =
            try query.cursor?.snapshotSeq ?? value(Int64.self, "SELECT max(seq) FROM generations") ?? 0
        let conditions: [SQLText] = ["g.seq <= \(snapshotSeq)"] + query.filterConditions(.postgres)
        let page = PageRequest(
            limit: max(1, min(query.limit, 500)), snapshotSeq: snapshotSeq, fingerprint: query.fingerprint,
            cursor: query.cursor)
        guard let text = query.text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else {
            return try browse(conditions, page)
        }
        guard let tsquery = SearchPattern.tsquery(text, anyWord: query.anyWord) else {
            return SearchPage(hits: [], nextCursor: nil)
        }
        let offset = page.cursor?.offset ?? 0
        let rows = try rows(
            """
            SELECT g.* FROM (
                SELECT g.seq, ts_rank(g.search, to_tsquery('simple', \(tsquery))) AS score FROM generations g
                WHERE g.search @@ to_tsquery('simple', \(tsquery)) AND \(conditions.joined(separator: " AND "))
                ORDER BY score DESC, g.seq DESC LIMIT \(page.limit + 1) OFFSET \(offset)
            ) ranked JOIN generations g ON g.seq = ranked.seq
            ORDER BY ranked.score DESC, g.seq DESC
            """)
        let marked = SearchPattern.markedWords(text)
        let hits = try rows.prefix(page.limit).map { row in
            let generation = try Generation(row: row)
            return SearchHit(generation: generation, snippet: Snippet.cut(generation.prompt ?? "", marking: marked))
        }
        let more = rows.count > page.limit
        return SearchPage(
            hits: hits,
            nextCursor: more ? hits.last.map { page.next(seq: $0.generation.seq ?? 0, offset: offset + hits.count) } : nil)
    }

}

extension SearchPattern {
    /// What a snippet marks for `text`: each searched word, as a prefix unless it is part of a phrase.
    package static func markedWords(_ text: String) -> [(word: String, prefix: Bool)] {
        terms(in: text).filter { !$0.isExcluded }.flatMap { term in
            Self.words(in: term.text).map { ($0.lowercased(), !term.isPhrase) }
        }
    }
}

extension Snippet {
    /// About 16 words of `prompt` around its first marked word, matches between the markers and cuts shown as `…`,
    /// the prompt's own characters kept: what SQLite's FTS5 `snippet()` gives.
    package static func cut(_ prompt: String, marking words: [(word: String, prefix: Bool)]) -> Snippet? {
        guard !prompt.isEmpty else { return nil }
        var tokens: [Range<String.Index>] = []
        var start: String.Index?
        for index in prompt.indices {
            let isWord = prompt[index].isLetter || prompt[index].isNumber
            if isWord, start == nil { start = index }
            if !isWord, let open = start {
                tokens.append(open..<index)
                start = nil
            }
        }
        if let open = start { tokens.append(open..<prompt.endIndex) }
        func matches(_ token: Range<String.Index>) -> Bool {
            let text = prompt[token].lowercased()
            return words.contains { $0.prefix ? text.hasPrefix($0.word) : text == $0.word }
        }
        let first = tokens.firstIndex(where: matches) ?? 0
        let window = max(0, min(first - 4, tokens.count - 16))..<min(tokens.count, max(first - 4, 0) + 16)
        guard let low = window.first.map({ tokens[$0].lowerBound }), let high = window.last.map({ tokens[$0].upperBound })
        else { return Snippet(raw: String(prompt.prefix(200))) }
        var raw = window.lowerBound > 0 ? "…" : ""
        var position = window.lowerBound > 0 ? low : prompt.startIndex
        for index in window where matches(tokens[index]) {
            raw += prompt[position..<tokens[index].lowerBound]
            raw += "\(Snippet.open)\(prompt[tokens[index]])\(Snippet.close)"
            position = tokens[index].upperBound
        }
        raw += window.upperBound < tokens.count ? String(prompt[position..<high]) + "…" : String(prompt[position...])
        return Snippet(raw: raw)
    }
}

extension SearchPattern {
    /// `text` as a `tsquery`: each word a prefix (`'fox':*`), a quoted phrase its words in order (`<->`), an
    /// excluded word or phrase negated; every term required (or, with `anyWord`, any). Only letters and digits
    /// reach the query, inside quotes: nothing typed is ever tsquery syntax. Nil when no searchable word is left.
    package static func tsquery(_ text: String, anyWord: Bool) -> String? {
        var included: [String] = []
        var excluded: [String] = []
        for term in terms(in: text) {
            let words = Self.words(in: term.text).map { $0.lowercased() }
            guard !words.isEmpty else { continue }
            if term.isPhrase {
                let phrase = "(" + words.map { "'\($0)'" }.joined(separator: " <-> ") + ")"
                if term.isExcluded { excluded.append("!" + phrase) } else { included.append(phrase) }
            } else if term.isExcluded {
                excluded += words.map { "!'\($0)'" }
            } else {
                included.append("(" + words.map { "'\($0)':*" }.joined(separator: " & ") + ")")
            }
        }
        guard !included.isEmpty else { return nil }
        let required = included.count > 1 ? "(" + included.joined(separator: anyWord ? " | " : " & ") + ")" : included[0]
        return ([required] + excluded).joined(separator: " & ")
    }
}
