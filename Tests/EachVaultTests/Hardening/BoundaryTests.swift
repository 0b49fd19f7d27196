import Foundation
import Testing
import Transport
@testable import VaultAPI
import VaultRuntime
import Workers

/// Who may do what, tried as an attacker would: a cookie riding along with another site's request, forms posted
/// from elsewhere, bodies of the wrong type, errors off the happy path.
@Suite(.timeLimit(.minutes(5))) struct BoundaryTests {
    static let form = [(name: "Content-Type", value: "application/x-www-form-urlencoded")]
    static let createBody = #"{"model": "pixverse-v5-6-text-to-video", "input": {"prompt": "a billed fox"}}"#

    @Test func theGallerySessionCookieOpensNoPartOfTheJSONAPI() async throws {
        try await withHarness { harness in
            let (cookie, _) = try await harness.signIn()
            let read = try await harness.raw("GET", "/v1/generations", headers: [cookie], token: .some(nil))
            #expect(read.status == 401)
            for type in ["application/json", "text/plain"] {
                let create = try await harness.raw(
                    "POST", "/v1/generations", body: Self.createBody,
                    headers: [cookie, ("Content-Type", type)], token: .some(nil))
                #expect(create.status == 401)
            }
            #expect(await harness.simulator.stats().creates == 0)
        }
    }

    @Test func theJSONAPITakesJSONBodiesOnly() async throws {
        try await withHarness { harness in
            for type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ";"] {
                let answer = try await harness.raw(
                    "POST", "/v1/generations", body: Self.createBody,
                    headers: [("Content-Type", type)])
                #expect(answer.status == 415, "\(type)")
                #expect(answer.body.contains(#""code":"unsupported_media_type""#))
            }
            #expect(await harness.simulator.stats().creates == 0)
            let accepted = try await harness.raw(
                "POST", "/v1/generations", body: Self.createBody,
                headers: [("Content-Type", "application/json; charset=utf-8")])
            #expect(accepted.status == 201)
        }
    }

    @Test func galleryFormsFromElsewhereOrWithoutTheirTokenAreRefused() async throws {
        try await withHarness { harness in
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
                let answer = try await harness.raw(
                    "POST", "/new", body: text, headers: Self.form + [cookie] + extra,
                    token: .some(nil))
                #expect(answer.status == 403, "\(extra)")
            }
            #expect(await harness.simulator.stats().creates == 0)
            let genuine = try await harness.raw(
                "POST", "/new", body: body + "&csrf=\(csrf)",
                headers: Self.form + [
                    cookie, ("Sec-Fetch-Site", "same-origin"),
                    ("Origin", harness.server.baseURL),
                ],
                token: .some(nil))
            #expect(genuine.status == 303)
        }
    }

    /// Login CSRF: another site must not sign a browser into the attacker's team.
    @Test func signingInNeedsTheFormsOwnTokenAndCookie() async throws {
        try await withHarness { harness in
            let withoutForm = try await harness.raw(
                "POST", "/login", body: "token=\(harness.token)", headers: Self.form,
                token: .some(nil))
            #expect(withoutForm.status == 403 && withoutForm.headers["Set-Cookie"]?.contains("ev_session") != true)
            let signInForm = try await harness.raw("GET", "/login", token: .some(nil))
            let cookie = String(try #require(signInForm.headers["Set-Cookie"]).prefix { $0 != ";" })
            let token = try #require(signInForm.body.firstMatch(of: #/name="csrf" value="([0-9a-f]+)"/#)?.1)
            let crossSite = try await harness.raw(
                "POST", "/login", body: "csrf=\(token)&token=\(harness.token)",
                headers: Self.form + [("Cookie", cookie), ("Sec-Fetch-Site", "cross-site")], token: .some(nil))
            #expect(crossSite.status == 403)
        }
    }

    @Test func everyAPIErrorIsTheDocumentedEnvelopeAndGalleryErrorsArePages() async throws {
        try await withHarness { harness in
            // Over the 64 KiB an annotation takes (small enough that the client has sent it all before the answer).
            let huge = "{\"note\": \"" + String(repeating: "a", count: 100 << 10) + "\"}"
            let tooLarge = try await harness.raw("PATCH", "/v1/generations/gen_x", body: huge)
            #expect(tooLarge.status == 413)
            #expect(tooLarge.body.contains(#""code":"too_large""#))
            let unknown = try await harness.raw("GET", "/v1/nothing-here")
            #expect(unknown.status == 404 && unknown.body.contains(#""error":"#))
            #expect(unknown.headers["Content-Type"]?.hasPrefix("application/json") == true)
            let page = try await harness.raw("GET", "/nothing-here", token: .some(nil))
            #expect(page.status == 404 && page.headers["Content-Type"]?.hasPrefix("text/html") == true)
            let badFile = try await harness.raw("GET", "/g/files/" + String(repeating: "a", count: 64), token: .some(nil))
            #expect(badFile.status == 404 && badFile.body.contains("<html"))
        }
    }
}

/// A client that opens a connection and never finishes its request is cut off, not kept forever.
@Suite(.timeLimit(.minutes(5))) struct ConnectionLimitTests {
    @Test func aHalfSentRequestHeadIsClosedAfterTheIdleTimeout() async throws {
        try await withHarness { harness in
            let port = try #require(URL(string: harness.server.baseURL)?.port)
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(descriptor) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
            #expect(connected)
            let partial = Array("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".utf8)
            #expect(send(descriptor, partial, partial.count, 0) == partial.count)
            // A blocking read returns 0 when the server closes the connection (the harness's idle timeout is 3 s), or
            // fails with EAGAIN if its own limit (60 s, far beyond, for a loaded machine) comes first.
            var timeout = timeval(tv_sec: 60, tv_usec: 0)
            setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var buffer = [UInt8](repeating: 0, count: 512)
            let read = recv(descriptor, &buffer, buffer.count, 0)
            let failure = errno
            #expect(read <= 0, "the server answered a request it never received whole")
            #expect(read == 0 || (failure != EAGAIN && failure != EWOULDBLOCK), "the server closed the connection")
        }
    }
}
