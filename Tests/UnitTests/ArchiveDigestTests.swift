import Storage
import TestSupport
import Testing

/// The digest `migrate-database` compares across databases: the same rows in any order agree; a value's kind, a
/// changed byte or a missing row do not.
@Suite(.timeLimit(.minutes(5))) struct ArchiveDigestTests {
    @Test func rowsInAnyOrderGiveOneDigestAndEveryDifferenceAnother() {
        let rows: [[SQLValue]] = [
            [.integer(1), .text("a heron"), .null],
            [.integer(2), .real(0.45), .blob([0, 255])],
            [.integer(3), .text(""), .blob([])],
        ]
        func digest(_ rows: [[SQLValue]]) -> ArchiveDigest {
            var digest = ArchiveDigest()
            for row in rows { digest.add(row) }
            return digest
        }
        #expect(digest(rows) == digest(rows.reversed()) && digest(rows).rows == 3)
        #expect(ArchiveDigest().description == String(repeating: "0", count: 64))
        let variants: [[SQLValue]] = [[.integer(1)], [.real(1)], [.text("1")], [.blob([49])], [.null], []]
        #expect(Set(variants.map { digest([$0]).description }).count == variants.count, "a value's kind counts")
        #expect(digest([[.text("ab"), .text("c")]]) != digest([[.text("a"), .text("bc")]]), "values are delimited")
        #expect(digest(Array(rows.dropLast())) != digest(rows))
        #expect(digest([[.integer(1), .text("a heron!"), .null]] + rows.dropFirst()) != digest(rows))
    }
}
