import Foundation
import GRDB
import Storage
import Synchronization

/// What the full-text index's vocabulary says about the words people type: the terms a word covers as a prefix and
/// how many rows hold each. Asking `generation_search_terms` walks every covered term's doclist (8 ms for a word in
/// 40 % of a million prompts), so answers are remembered, for a minute at most, and forgotten at once when this
/// process commits a change to searchable text (`SearchTextObserver`); another process's new words (an import from
/// the CLI) are found by their prefixes within the minute, and at once when typed whole.
final class SearchVocabulary: Sendable {
    /// More terms than this under one prefix: the word stays a prefix (one merge is cheaper than their union).
    static let maxTermsPerWord = 16
    /// Words of one query looked up (the rest stay prefixes).
    static let maxLookupsPerQuery = 8
    static let lifetime: Duration = .seconds(60)
    /// Remembered prefixes; typed text is unbounded, so the memory is cleared when it grows past this.
    static let maxRemembered = 10_000

    private struct Entry {
        var terms: [IndexTerm]?
        var fetched: ContinuousClock.Instant
    }

    private let remembered = Mutex<[String: Entry]>([:])
    /// Rows holding a facet token (a team's, a model's): for planning only, so kept ten minutes whatever is written.
    private let facetRows = Mutex<[String: (rows: Int, fetched: ContinuousClock.Instant)]>([:])
    static let facetLifetime: Duration = .seconds(600)

    /// The terms `prefix` (lower-case ASCII, see `SearchPattern.expandable`) covers, with their row counts; nil when
    /// there are more than `maxTermsPerWord` or the lookup failed; empty when no term starts with it.
    func terms(coveredBy prefix: String, _ db: Database) -> [IndexTerm]? {
        let now = ContinuousClock.now
        if let entry = remembered.withLock({ $0[prefix] }), now - entry.fetched < Self.lifetime {
            return entry.terms
        }
        guard let last = prefix.utf8.last, last < 0x7F else { return nil }
        let end = String(prefix.dropLast()) + String(UnicodeScalar(last + 1))
        guard
            let rows = try? Row.fetchAll(
                db, sql: "SELECT term, doc FROM generation_search_terms WHERE term >= ? AND term < ? LIMIT ?",
                arguments: [prefix, end, Self.maxTermsPerWord + 1])
        else { return nil }
        let terms =
            rows.count > Self.maxTermsPerWord
            ? nil : rows.map { IndexTerm(term: $0["term"], documents: $0["doc"]) }
        remembered.withLock {
            if $0.count >= Self.maxRemembered { $0.removeAll() }
            $0[prefix] = Entry(terms: terms, fetched: now)
        }
        return terms
    }

    /// The lookup one query uses: at most `maxLookupsPerQuery` words.
    func lookup(_ db: Database) -> (String) -> [IndexTerm]? {
        var lookups = 0
        return { word in
            lookups += 1
            return lookups <= Self.maxLookupsPerQuery ? self.terms(coveredBy: word, db) : nil
        }
    }

    /// How many rows of the index hold `token` (a facet); nil when the lookup failed.
    func rows(holding token: String, _ db: Database) -> Int? {
        let now = ContinuousClock.now
        if let entry = facetRows.withLock({ $0[token] }), now - entry.fetched < Self.facetLifetime { return entry.rows }
        guard
            let rows = try? Int.fetchOne(
                db, sql: "SELECT coalesce(sum(doc), 0) FROM generation_search_terms WHERE term = ?", arguments: [token.lowercased()])
        else { return nil }
        facetRows.withLock {
            if $0.count >= Self.maxRemembered { $0.removeAll() }
            $0[token] = (rows, now)
        }
        return rows
    }

    func forget() { remembered.withLock { $0.removeAll() } }
}

/// Forgets the vocabulary when a transaction that wrote searchable text commits (a new generation, a changed
/// prompt, tags or note): the next search sees new words at once. Other writes (statuses, the webhook path) are
/// not observed and cost nothing.
final class SearchTextObserver: TransactionObserver {
    private let vocabulary: SearchVocabulary
    private var changed = false

    init(_ vocabulary: SearchVocabulary) { self.vocabulary = vocabulary }

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool {
        switch eventKind {
        case .insert(let table): table == "generations"
        case .update(let table, let columns):
            table == "generations" && !columns.isDisjoint(with: ["prompt", "negative_prompt", "model", "tags", "note"])
        case .delete: false
        }
    }

    func databaseDidChange(with event: DatabaseEvent) {
        changed = true
        stopObservingDatabaseChangesUntilNextTransaction()
    }

    func databaseDidCommit(_ db: Database) {
        if changed { vocabulary.forget() }
        changed = false
    }

    func databaseDidRollback(_ db: Database) { changed = false }
}
