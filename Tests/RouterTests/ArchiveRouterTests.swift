@testable import Storage
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import Transport
@testable import VaultAPI
import TestSupport

/// Each controller through the whole router over an in-memory database: authentication, files, uploads, spend,
/// imports, shares, webhooks, the gallery's guard and the service endpoints. Milliseconds each, no server.
@Suite(.timeLimit(.minutes(5))) struct ArchiveRouterTests {
    let fixture: RouterFixture

    init() async throws { fixture = try await RouterFixture() }

    /// Tags and notes follow one rule wherever they are written: at most 16 tags of at most 64 bytes each (in NFC)
    /// and notes of at most 4,000 bytes; a refusal is a 422 naming the field, and writes nothing.
    @Test func tagsAndNotesFollowOneRuleAndARefusalNamesTheField() async throws {
        let generation = try await fixture.storedGeneration()
        try await fixture.test { client in
            func patch(_ body: String) async throws -> TestResponse {
                try await client.execute(
                    uri: "/v1/generations/\(generation.id)", method: .patch, headers: fixture.headers(json: true),
                    body: ByteBuffer(string: body))
            }
            let seventeen = (1...17).map { "\"t\($0)\"" }.joined(separator: ",")
            let tooMany = try await patch(#"{"tags": [\#(seventeen)]}"#)
            #expect(tooMany.status == .unprocessableContent && tooMany.text.contains(#""code":"invalid_annotation""#))
            #expect(tooMany.text.contains(#""field":"tags""#))
            let long = try await patch(#"{"tags": ["ok", "\#(String(repeating: "x", count: 65))"]}"#)
            #expect(long.status == .unprocessableContent && long.text.contains(#""field":"tags[1]""#))
            let note = try await patch(#"{"note": "\#(String(repeating: "n", count: 4001))"}"#)
            #expect(note.status == .unprocessableContent && note.text.contains(#""field":"note""#))
            #expect(try await fixture.vault.store.generation(id: generation.id)?.tags == [], "nothing written")
            // Sixteen distinct tags, decomposed accents composed (32 × "é" is 64 bytes in NFC, 96 decomposed).
            let decomposed = String(repeating: "e\u{301}", count: 32)
            let sixteen = ((1...15).map { "\"t\($0)\"" } + ["\"\(decomposed)\"", "\"T1\""]).joined(separator: ",")
            #expect(try await patch(#"{"tags": [\#(sixteen)], "note": " kept "}"#).status == .ok)
            let stored = try await fixture.vault.store.generation(id: generation.id)
            #expect(stored?.tags.count == 16 && stored?.tags.last == String(repeating: "\u{E9}", count: 32))
            #expect(stored?.note == "kept")
        }
    }

    @Test func everyAPIRouteWantsAValidTeamToken() async throws {
        try await fixture.test { client in
            for uri in ["/v1/generations", "/v1/spend", "/v1/models", "/v1/files/\(String(repeating: "a", count: 64))"] {
                #expect(try await client.execute(uri: uri, method: .get).status == .unauthorized, "\(uri)")
                let forged = try await client.execute(uri: uri, method: .get, headers: fixture.headers(token: "evt_forged"))
                #expect(forged.status == .unauthorized && forged.errorCode == "unauthenticated")
            }
        }
    }

    @Test func anUploadIsStoredByItsBytesAndServedWithRanges() async throws {
        try await fixture.test { client in
            var headers = fixture.headers()
            let empty = try await client.execute(uri: "/v1/uploads", method: .post, headers: headers, body: ByteBuffer())
            #expect(empty.status == .badRequest)
            headers[.contentType] = ";"
            let badType = try await client.execute(uri: "/v1/uploads", method: .post, headers: headers, body: ByteBuffer(string: "x"))
            #expect(badType.status == .unsupportedMediaType)
            headers[.contentType] = "image/png"  // declared, but the bytes are text: stored as what they are
            let bytes = "not an image, whatever the header says"
            let uploaded = try await client.execute(uri: "/v1/uploads", method: .post, headers: headers, body: ByteBuffer(string: bytes))
            let sha256 = SHA256.hash(data: Data(bytes.utf8)).lowercaseHex
            #expect(uploaded.status == .created && uploaded.json["reference"] as? String == "sha256:\(sha256)")
            #expect(uploaded.json["content_type"] as? String == "application/octet-stream")

            var range = fixture.headers()
            range[.range] = "bytes=4-5"
            let part = try await client.execute(uri: "/v1/files/\(sha256)", method: .get, headers: range)
            #expect(part.status == .partialContent && part.text == "an")
            #expect(try await client.execute(uri: "/v1/files/XYZ", method: .get, headers: fixture.headers()).status == .badRequest)
            let unknown = try await client.execute(uri: "/v1/files/\(String(repeating: "b", count: 64))", method: .get, headers: fixture.headers())
            #expect(unknown.status == .notFound)
        }
    }

    @Test func spendNamesItsGroupingAndRefusesUnknownOnes() async throws {
        try await fixture.test { client in
            let report = try await client.execute(uri: "/v1/spend?group_by=day", method: .get, headers: fixture.headers())
            #expect(report.status == .ok && report.json["group_by"] as? String == "day" && report.json["total"] != nil)
            let bogus = try await client.execute(uri: "/v1/spend?group_by=colour", method: .get, headers: fixture.headers())
            #expect(bogus.status == .badRequest && bogus.text.contains("model, day, tag"))
        }
    }

    @Test func importsNeedTheImportScopeAndOneToAHundredIDs() async throws {
        let importer = try await fixture.vault.store.createToken(teamName: "team-a", label: nil, scopes: [.import], now: Date()).token
        try await fixture.test { client in
            let body = ByteBuffer(string: #"{"prediction_ids": []}"#)
            let refused = try await client.execute(uri: "/v1/imports", method: .post, headers: fixture.headers(json: true), body: body)
            #expect(refused.status == .forbidden && refused.errorCode == "missing_scope")
            let empty = try await client.execute(
                uri: "/v1/imports", method: .post, headers: fixture.headers(json: true, token: importer), body: body)
            #expect(empty.status == .badRequest && empty.text.contains("1 to 100"))
            let notJSON = try await client.execute(
                uri: "/v1/imports", method: .post, headers: fixture.headers(token: importer), body: body)
            #expect(notJSON.status == .unsupportedMediaType)
        }
    }

    @Test func aShareLinkOpensItsPageUntilRevoked() async throws {
        let generation = try await fixture.storedGeneration()
        try await fixture.test { client in
            let tooLong = try await client.execute(
                uri: "/v1/generations/\(generation.id)/share", method: .post, headers: fixture.headers(json: true),
                body: ByteBuffer(string: #"{"expires_in_s": 1e12}"#))
            #expect(tooLong.status == .unprocessableContent && tooLong.errorCode == "invalid_expiry")
            let unknown = try await client.execute(
                uri: "/v1/generations/gen_unknown/share", method: .post, headers: fixture.headers(json: true), body: ByteBuffer())
            #expect(unknown.status == .notFound)
            let made = try await client.execute(
                uri: "/v1/generations/\(generation.id)/share", method: .post, headers: fixture.headers(json: true), body: ByteBuffer())
            #expect(made.status == .created && made.json["expires_at"] is String)
            let url = try #require(made.json["url"] as? String)
            let start = try #require(url.range(of: "/s/")).lowerBound
            let path = String(url[start...])
            let page = try await client.execute(uri: path, method: .get)
            #expect(page.status == .ok && page.text.contains("a lighthouse at dusk"))
            #expect(page.headers[.contentSecurityPolicy]?.contains("script-src 'none'") == true)
            let id = try #require(made.json["id"] as? String)
            #expect(try await client.execute(uri: "/v1/shares/\(id)", method: .delete, headers: fixture.headers()).status == .noContent)
            #expect(try await client.execute(uri: path, method: .get).status == .gone)
            #expect(try await client.execute(uri: path + "/video", method: .get).status == .gone)
        }
    }

    @Test func webhooksForUnknownGenerationsAndOversizedBodiesAreRefused() async throws {
        try await fixture.test { client in
            let unknown = try await client.execute(
                uri: "/webhooks/eachlabs/gen_unknown", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"status": "succeeded"}"#))
            #expect(unknown.status == .unauthorized && unknown.errorCode == "webhook_rejected")
            let huge = try await client.execute(
                uri: "/webhooks/eachlabs/gen_unknown", method: .post,
                body: ByteBuffer(repeating: UInt8(ascii: "x"), count: 256 * 1024 + 1))
            #expect(huge.status == .contentTooLarge)
        }
    }

    @Test func theGalleryGuardsEveryPageButTheSignInForm() async throws {
        try await fixture.test { client in
            for uri in ["/", "/g/gen_1", "/new"] {
                let page = try await client.execute(uri: uri, method: .get)
                #expect(page.status == .seeOther && page.headers[.location] == "/login", "\(uri)")
            }
            let file = try await client.execute(uri: "/g/files/\(String(repeating: "a", count: 64))", method: .get)
            #expect(file.status == .notFound && file.headers[.contentType]?.hasPrefix("text/html") == true)
            let post = try await client.execute(uri: "/logout", method: .post, body: ByteBuffer(string: "csrf=x"))
            #expect(post.status == .seeOther)
            let signIn = try await client.execute(uri: "/login", method: .get)
            #expect(signIn.status == .ok && signIn.text.contains(#"name="csrf""#))
            #expect(signIn.headers[.setCookie]?.contains("HttpOnly") == true)
        }
    }

    @Test func serviceEndpointsAnswerAndMetricsWantTheirToken() async throws {
        try await fixture.test { client in
            let health = try await client.execute(uri: "/healthz", method: .get)
            #expect(health.status == .ok && health.json["status"] as? String == "ok")
            #expect(try await client.execute(uri: "/readyz", method: .get).status == .ok)
            // Start-up work in the background (planner statistics): served, but not yet ready.
            fixture.vault.warmUp.expect()
            let warming = try await client.execute(uri: "/readyz", method: .get)
            #expect(warming.status == .serviceUnavailable && warming.json["status"] as? String == "not ready")
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            fixture.vault.warmUp.finish()
            #expect(try await client.execute(uri: "/readyz", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/metrics", method: .get).status == .notFound)
            let metrics = try await client.execute(
                uri: "/metrics", method: .get, headers: [.authorization: "Bearer \(RouterFixture.metricsToken)"])
            #expect(metrics.status == .ok && metrics.text.contains("eachvault_up"))
            let models = try await client.execute(uri: "/v1/models", method: .get, headers: fixture.headers())
            #expect(models.status == .ok && models.text == "[]")
        }
    }
}
