import GRDB
import Storage

extension SearchPattern {
    /// Whether FTS5 accepts `pattern` as searches send it (restricted to the searched columns, with a facet),
    /// checked by GRDB's `FTS5Pattern` against a scratch table of the index's columns. The fuzz target and the tests
    /// hold every pattern `make` returns to it; searches do not pay for a scratch database each.
    public static func isValid(_ pattern: String) -> Bool {
        let restricted = restricted(pattern, facets: [facet("t", "team")])
        return (try? FTS5Pattern(rawPattern: restricted, allowedColumns: searchedColumns + ["facets"])) != nil
    }
}
