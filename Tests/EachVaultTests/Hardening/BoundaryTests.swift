import Foundation
import Testing
import Transport
@testable import VaultAPI
import VaultRuntime
import Workers

/// Who may do what, tried as an attacker would: a cookie riding along with another site's request, forms posted
/// from elsewhere, bodies of the wrong type, errors off the happy path.
@Suite struct BoundaryTests {
    static let form = [(name: "Content-Type", value: "application/x-www-form-urlencoded")]
    static let createBody = #"{"model": "pixverse-v5-6-text-to-video", "input": {"prompt": "a billed fox"}}"#

    @Test func theGallerySessionCookieOpensNoPartOfTheJSONAPI() async throws {
        let harness = try await Harness()
        let (cookie, _) = try await harness.signIn()
        let read = try await harness.raw("GET", "/v1/generations", headers: [cookie], token: .some(nil))
        #expect(read.status == 401)
        for type in ["application/json", "text/plain"] {
            let create = try await harness.raw("POST", "/v1/generations", body: Self.createBody,
                                               headers: [cookie, ("Content-Type", type)], token: .some(nil))
            #expect(create.status == 401)
        }
        #expect(await harness.simulator.stats().creates == 0)
        await harness.shutdown()
    }

    @Test func theJSONAPITakesJSONBodiesOnly() async throws {
        let harness = try await Harness()
        for type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ";"] {
            let answer = try await harness.raw("POST", "/v1/generations", body: Self.createBody,
                                               headers: [("Content-Type", type)])
            #expect(answer.status == 415, "\(type)")
            #expect(answer.body.contains(#""code":"unsupported_media_type""#))
        }
        #expect(await harness.simulator.stats().creates == 0)
        let accepted = try await harness.raw("POST", "/v1/generations", body: Self.createBody,
                                             headers: [("Content-Type", "application/json; charset=utf-8")])
        #expect(accepted.status == 201)
        await harness.shutdown()
    }

    @Test func galleryFormsFromElsewhereOrWithoutTheirTokenAreRefused() async throws {
        let harness = try await Harness()
        let (cookie, csrf) = try await harness.signIn()
        let body = "model=pixverse-v5-6-text-to-video&prompt=a+forged+fox"
        let forged: [(String, [(name: String, value: String)])] = [
            (body, []),
            (body + "&csrf=" + String(repeating: "0", count: 64), []),
            (body + "&csrf=\(csrf)", [("Sec-Fetch-Site", "cross-site")]),
            (body + "&csrf=\(csrf)", [("Sec-Fetch-Site", "same-site")]),
            (body + "&csrf=\(csrf)", [("Origin", "http://evil.example")]),
            (body + "&csrf=\(csrf)", [("Origin", "null")]),
        ]
        for (text, extra) in forged {
            let answer = try await harness.raw("POST", "/new", body: text, headers: Self.form + [cookie] + extra,
                                               token: .some(nil))
            #expect(answer.status == 403, "\(extra)")
        }
        #expect(await harness.simulator.stats().creates == 0)
        let genuine = try await harness.raw("POST", "/new", body: body + "&csrf=\(csrf)",
                                            headers: Self.form + [cookie, ("Sec-Fetch-Site", "same-origin"),
                                                                  ("Origin", harness.server.baseURL)],
                                            token: .some(nil))
        #expect(genuine.status == 303)
        await harness.shutdown()
    }

    /// Login CSRF: another site must not sign a browser into the attacker's team.
    @Test func signingInNeedsTheFormsOwnTokenAndCookie() async throws {
        let harness = try await Harness()
        let withoutForm = try await harness.raw("POST", "/login", body: "token=\(harness.token)", headers: Self.form,
                                                token: .some(nil))
        #expect(withoutForm.status == 403 && withoutForm.headers["Set-Cookie"]?.contains("ev_session") != true)
        let signInForm = try await harness.raw("GET", "/login", token: .some(nil))
        let cookie = String(try #require(signInForm.headers["Set-Cookie"]).prefix { $0 != ";" })
        let token = try #require(signInForm.body.firstMatch(of: #/name="csrf" value="([0-9a-f]+)"/#)?.1)
        let crossSite = try await harness.raw(
            "POST", "/login", body: "csrf=\(token)&token=\(harness.token)",
            headers: Self.form + [("Cookie", cookie), ("Sec-Fetch-Site", "cross-site")], token: .some(nil))
        #expect(crossSite.status == 403)
        await harness.shutdown()
    }

    @Test func everyAPIErrorIsTheDocumentedEnvelopeAndGalleryErrorsArePages() async throws {
        let harness = try await Harness()
        let huge = "{\"model\": \"x\", \"input\": {\"prompt\": \"" + String(repeating: "a", count: 60 << 20) + "\"}}"
        let tooLarge = try await harness.raw("POST", "/v1/generations", body: huge)
        #expect(tooLarge.status == 413)
        #expect(tooLarge.body.contains(#""code":"too_large""#))
        let unknown = try await harness.raw("GET", "/v1/nothing-here")
        #expect(unknown.status == 404 && unknown.body.contains(#""error":"#))
        #expect(unknown.headers["Content-Type"]?.hasPrefix("application/json") == true)
        let page = try await harness.raw("GET", "/nothing-here", token: .some(nil))
        #expect(page.status == 404 && page.headers["Content-Type"]?.hasPrefix("text/html") == true)
        let badFile = try await harness.raw("GET", "/g/files/" + String(repeating: "a", count: 64), token: .some(nil))
        #expect(badFile.status == 404 && badFile.body.contains("<html"))
        await harness.shutdown()
    }
}
