import Foundation
import Testing
import Transport
@testable import VaultAPI
import TestSupport
import VaultContract
import VaultRuntime
import Workers

/// User text meets HTML and uploaded bytes meet browsers: nothing an attacker sends may run as markup on this
/// origin, and nothing served tells one team what another holds.
@Suite(.timeLimit(.minutes(5))) struct ContentSafetyTests {
    static let breakers: [Unicode.Scalar] = ["<", ">", "\"", "'", "&"]

    /// Any text at all, escaped, holds none of the five characters as a scalar of its own.
    @Test func escapingLeavesNoMarkupScalarWhateverTheInput() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [Unicode.Scalar] =
            Self.breakers + [
                "\u{301}", "\u{600}", "\u{200D}", "\u{FE0F}", "a", " ",
                "\u{E000}", "\u{E001}", "é", "\u{1F468}",
            ]
        for _ in 0..<5_000 {
            var text = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0..<24, using: &generator) {
                text.append(alphabet.randomElement(using: &generator)!)
            }
            let escaped = String(text).htmlEscaped
            #expect(!escaped.unicodeScalars.contains { Self.breakers.contains($0) && $0 != "&" })
            // Every `&` starts one of the five entities (compared scalar by scalar: a combining mark after `;`
            // would fool a `Character` comparison).
            let scalars = Array(escaped.unicodeScalars)
            for index in scalars.indices where scalars[index] == "&" {
                let rest = String(String.UnicodeScalarView(scalars[index...].prefix(6)))
                #expect(["&lt;", "&gt;", "&quot;", "&#39;", "&amp;"].contains { rest.unicodeScalars.starts(with: $0.unicodeScalars) })
            }
        }
    }

    /// `<` followed by a combining mark is one `Character`: Mustache's own escaping let it through.
    @Test func combiningMarksDoNotSmuggleMarkupOntoThePublicSharePage() async throws {
        try await withHarness { harness in
            let prompt = "<\u{301}form action=//evil.example><\u{301}button>win</button> \u{600}\"x\u{301}"
            let created = try await harness.client.createGeneration(
                GenerationRequest(
                    model: "pixverse-v5-6-text-to-video", input: ["prompt": .string(prompt)]))
            _ = try await harness.waitUntilFinal([created.id])
            let share = try await harness.raw("POST", "/v1/generations/\(created.id)/share", body: "{}")
            let url = try #require(share.body.firstMatch(of: #/"url":"([^"]+)"/#)?.1)
            let page = try await harness.raw("GET", String(url.dropFirst(harness.server.baseURL.count)), token: .some(nil))
            #expect(page.status == 200)
            #expect(
                !page.body.unicodeScalars.split(separator: "\n").contains { line in
                    String(String.UnicodeScalarView(line)).contains("<\u{301}")
                })
            #expect(page.body.contains("&lt;\u{301}form"))
            let csp = try #require(page.headers["Content-Security-Policy"])
            for directive in ["form-action 'self'", "base-uri 'none'", "frame-ancestors 'none'", "script-src 'none'"] {
                #expect(csp.contains(directive))
            }
            // The API's snippets are escaped the same way.
            let found = try await harness.raw("GET", "/v1/generations?q=win")
            struct Page: Decodable {
                struct Item: Decodable {
                    struct Part: Decodable { var text: String; var match: Bool }
                    var snippet: String?
                    var snippet_parts: [Part]?
                }
                var items: [Item]
            }
            let item = try #require(try JSONDecoder().decode(Page.self, from: Data(found.body.utf8)).items.first)
            let snippet = try #require(item.snippet)
            let unmarked = snippet.replacingOccurrences(of: "<mark>", with: "").replacingOccurrences(of: "</mark>", with: "")
            #expect(snippet.contains("&lt;\u{301}button") && !unmarked.unicodeScalars.contains("<"))
            // Non-browser clients get the same fragment as plain runs: the text as written, matches flagged.
            let parts = try #require(item.snippet_parts)
            #expect(parts.filter(\.match).map { $0.text.lowercased() } == ["win"])
            #expect(parts.map(\.text).joined().contains("<\u{301}button>win"))
        }
    }

    @Test func uploadsAreServedAsWhatTheirBytesAreNeverAsDeclared() async throws {
        try await withHarness { harness in
            let html = "<html><script>alert(document.cookie)</script></html>"
            for declared in ["text/html", "image/svg+xml", "video/mp4"] {
                let uploaded = try await harness.raw("POST", "/v1/uploads", body: html, headers: [("Content-Type", declared)])
                #expect(uploaded.status == 201)
                #expect(uploaded.body.contains(#""content_type":"application/octet-stream""#))
            }
            let sha = try #require(
                try await harness.raw(
                    "POST", "/v1/uploads", body: html,
                    headers: [
                        ("Content-Type", "text/html")
                    ]
                ).body.firstMatch(of: #/"sha256":"([0-9a-f]{64})"/#)?.1)
            let served = try await harness.raw("GET", "/v1/files/\(sha)")
            #expect(served.headers["Content-Type"] == "application/octet-stream")
            #expect(served.headers["Content-Disposition"]?.hasPrefix("attachment") == true)
            #expect(served.headers["X-Content-Type-Options"] == "nosniff")
            #expect(served.headers["Content-Security-Policy"]?.contains("sandbox") == true)
            #expect(served.headers["Last-Modified"] == nil, "the first storer's time would tell other teams it exists")

            let malformed = try await harness.raw("POST", "/v1/uploads", body: html, headers: [("Content-Type", ";")])
            #expect(malformed.status == 415)

            // The 32-byte MP4 whose box size is near 2^64 once killed the service when uploaded.
            let bomb = Data(
                [0, 0, 0, 1] + Array("ftyp".utf8) + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xF0]
                    + Array("isom".utf8) + [UInt8](repeating: 0, count: 12))
            let path = harness.home.url.appending(path: "bomb.mp4")
            try bomb.write(to: path)
            let uploaded = try await harness.client.upload(file: path)
            #expect(uploaded.reference == "sha256:" + uploaded.sha256)
            #expect(try await harness.raw("GET", "/healthz").status == 200)
        }
    }
}
