@testable import Storage
import EachLabs
import Foundation
@testable import StoreSQLite
import TestSupport
import Testing

/// The seam between the archive's logic and the two databases: statements whose values are bound where they are
/// written, rows read by name without traps, records written and read back column for column.
@Suite(.timeLimit(.minutes(1))) struct SQLTextTests {
    @Test func valuesAreBoundWhereTheyAreWrittenInEitherDialect() {
        let team = "team_1"
        let tags: [SQLText] = ["g.tag = \("a")", "g.tag = \("b")"]
        let sql: SQLText =
            "SELECT * FROM generations g WHERE g.team_id = \(team) AND (\(tags.joined(separator: " OR ")))"
            + " AND g.seq IN (\(list: [Int64(3), 4])) LIMIT \(10)"
        let sqlite = sql.rendered(.sqlite)
        #expect(sqlite.sql == "SELECT * FROM generations g WHERE g.team_id = ? AND (g.tag = ? OR g.tag = ?) AND g.seq IN (?, ?) LIMIT ?")
        let postgres = sql.rendered(.postgres)
        #expect(
            postgres.sql
                == "SELECT * FROM generations g WHERE g.team_id = $1 AND (g.tag = $2 OR g.tag = $3) AND g.seq IN ($4, $5) LIMIT $6")
        #expect(sqlite.values == [.text("team_1"), .text("a"), .text("b"), .integer(3), .integer(4), .integer(10)])
        #expect(postgres.values == sqlite.values)
    }

    @Test func textThatLooksLikeSQLIsStillAValue() {
        let hostile = "x'); DROP TABLE generations; --"
        let rendered = ("SELECT 1 WHERE note = \(hostile) AND '?' <> \(Optional<String>.none)" as SQLText).rendered(.postgres)
        #expect(rendered.sql == "SELECT 1 WHERE note = $1 AND '?' <> $2", "a question mark in the text is no placeholder")
        #expect(rendered.values == [.text(hostile), .null])
    }

    @Test func rowsAreReadByNameAndAMismatchIsAnErrorNotATrap() throws {
        let row = SQLRow(
            columns: SQLColumns(["id", "n", "r", "flag", "at", "gone"]),
            values: [.text("g"), .integer(7), .real(2), .integer(1), .real(1_800_000_000), .null])
        let (id, n, r, real, flag, at, gone): (String, Int, Int64, Double, Bool, Date, String?) = try (
            row["id"], row["N"], row["r"], row["n"], row["flag"], row["at"], row["gone"]
        )
        #expect(id == "g")
        #expect(n == 7, "names match in any case, as PostgreSQL folds them")
        #expect(r == 2, "an integral real reads as an integer")
        #expect(real == 7)
        #expect(flag)
        #expect(at == Date(timeIntervalSince1970: 1_800_000_000))
        #expect(gone == nil)
        #expect(throws: SQLDecodingError.mismatch(column: "id", expected: "Int", found: "text")) { try row["id"] as Int }
        #expect(throws: SQLDecodingError.missingColumn("nope")) { try row["nope"] as String }
        #expect(throws: SQLDecodingError.mismatch(column: "gone", expected: "String", found: "NULL")) {
            try row["gone"] as String
        }
        #expect(throws: SQLDecodingError.missingColumn("#9")) { try row[9] as String }
        let fractional = SQLRow(columns: SQLColumns(["x"]), values: [.real(2.5)])
        #expect(throws: SQLDecodingError.self) { try fractional["x"] as Int }
    }

    @Test func aRecordIsWrittenAndReadBackColumnForColumn() async throws {
        let database = try AppDatabase.inMemory()
        let now = Date(timeIntervalSince1970: 1_800_000_000.25)
        var generation = Generation(
            id: "gen_1", model: "m", version: "1", input: ["prompt": "a fox", "seconds": 5, "url": "https://x/y"],
            tags: ["a", "b"], now: now)
        generation.note = nil
        generation.costUSD = 0.125
        generation.confirmPending = true
        let columns = try generation.columnValues()
        #expect(columns.contains { $0.name == "note" && $0.value == .null }, "a nil property is a NULL column")
        #expect(columns.contains { $0.name == "input" && $0.value == .text(#"{"prompt":"a fox","seconds":5,"url":"https://x/y"}"#) })
        #expect(columns.contains { $0.name == "status" && $0.value == .text("pending") })
        #expect(columns.contains { $0.name == "confirm_pending" && $0.value == .integer(1) })
        let stored = try await database.insertGeneration(generation)
        let read = try #require(try await database.generation(id: "gen_1"))
        #expect(read == stored)
        #expect(read.input == generation.input && read.tags == ["a", "b"] && read.createdAt == now)
        // The Codable path (records without a hand-written reader) reads the same row the same way.
        let team = try await database.createTeam(name: "t", now: now)
        #expect(try await database.team(named: "t") == team)
    }

    /// A record that is not a flat list of named columns (an array at the top, or a nested keyed container) is a
    /// programmer's error, reported as an error naming the rule instead of trapping or writing half a row.
    @Test func aRecordThatIsNotFlatIsAnErrorNotATrapOrHalfARow() throws {
        struct Listed: SQLRecord {
            static let tableName = "listed"
            var values: [Int]
            func encode(to encoder: any Encoder) throws {
                var list = encoder.unkeyedContainer()
                for value in values { try list.encode(value) }
            }
        }
        struct Nested: SQLRecord {
            static let tableName = "nested"
            var id: String
            enum CodingKeys: String, CodingKey { case id, inner }
            enum Inner: String, CodingKey { case x }
            init(id: String) { self.id = id }
            init(from decoder: any Decoder) throws { id = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .id) }
            func encode(to encoder: any Encoder) throws {
                var keyed = encoder.container(keyedBy: CodingKeys.self)
                try keyed.encode(id, forKey: .id)
                var inner = keyed.nestedContainer(keyedBy: Inner.self, forKey: .inner)
                try inner.encode(1, forKey: .x)
            }
        }
        for record in [Listed(values: [1, 2]) as any SQLRecord, Nested(id: "n")] {
            #expect {
                try record.columnValues()
            } throws: { error in
                "\(error)".contains("a record is written to a row as named columns")
            }
        }
    }
}
