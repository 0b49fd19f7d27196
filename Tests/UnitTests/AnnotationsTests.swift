import Testing
import VaultDomain

/// The annotation rule on its own: the limits hold at their edges, in bytes of NFC, and merges keep the cap.
@Suite(.timeLimit(.minutes(1))) struct AnnotationsTests {
    @Test func tagsAreNormalisedAndHeldToTheirLimits() throws {
        #expect(try Annotations.tags([" a ", "", "A", "b"]) == ["a", "b"], "trimmed, empties dropped, first spelling kept")
        #expect(try Annotations.tags((1...16).map { "t\($0)" }).count == 16)
        #expect(throws: Annotations.Refusal(field: "tags", problem: "a generation has at most 16 tags")) {
            try Annotations.tags((1...17).map { "t\($0)" })
        }
        #expect(try Annotations.tags([String(repeating: "x", count: 64)]).count == 1)
        #expect(throws: Annotations.Refusal.self) { try Annotations.tags(["ok", String(repeating: "x", count: 65)]) }
        #expect(throws: Annotations.Refusal.self) { try Annotations.tags([String(repeating: "ß", count: 33)]) }
        #expect(throws: Annotations.Refusal.self) { try Annotations.tags(["tab\there"]) }
        let composed = try Annotations.tags([String(repeating: "e\u{301}", count: 32)])
        #expect(composed == [String(repeating: "\u{E9}", count: 32)], "64 bytes once composed")
    }

    @Test func mergingKeepsTheCapAndNotesTheirs() throws {
        let full = (1...16).map { "t\($0)" }
        #expect(try Annotations.merged(full, adding: ["T1"], removing: []) == full, "already there, case aside")
        #expect(try Annotations.merged(full, adding: ["new"], removing: ["t1"]).last == "new")
        #expect(throws: Annotations.Refusal.self) { try Annotations.merged(full, adding: ["new"], removing: []) }
        #expect(try Annotations.note("  a note ") == "a note")
        #expect(try Annotations.note(String(repeating: "n", count: 4000)).utf8.count == 4000)
        #expect(throws: Annotations.Refusal.self) { try Annotations.note(String(repeating: "n", count: 4001)) }
    }
}
