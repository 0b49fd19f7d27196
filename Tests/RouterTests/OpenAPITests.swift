import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import VaultAPI
import TestSupport

/// The OpenAPI document and the router describe the same API: a route the document lacks, or a documented
/// operation no route serves, fails here.
@Suite(.timeLimit(.minutes(5))) struct OpenAPITests {
    /// What the document covers: the `/v1` API, the operator's `/admin` routes and the service's own endpoints (the
    /// gallery's HTML pages, share pages, the provider's webhooks and `/metrics` are not part of the API).
    static func isDocumented(_ path: String) -> Bool {
        path.hasPrefix("/v1/") || path.hasPrefix("/admin/") || ["/healthz", "/readyz", "/openapi.json"].contains(path)
    }

    @Test func everyRouteIsDocumentedAndEveryDocumentedOperationIsARoute() async throws {
        let fixture = try await RouterFixture()
        let router = VaultRouter.make(vault: fixture.vault, metricsToken: nil) { "" }
        let routes = Set(
            router.routes.map { "\($0.method.rawValue) \("/" + $0.path.description.split(separator: "/").joined(separator: "/"))" }
                .filter { Self.isDocumented(String($0.split(separator: " ")[1])) })

        struct Document: Decodable { var paths: [String: [String: AnyDecodable]] }
        struct AnyDecodable: Decodable { init(from decoder: any Decoder) throws {} }
        let document = try JSONDecoder().decode(Document.self, from: Data(VaultRouter.openAPIDocument))
        let methods: Set = ["get", "put", "post", "delete", "patch", "head", "options"]
        let documented = Set(
            document.paths.flatMap { path, operations in
                operations.keys.filter(methods.contains).map { "\($0.uppercased()) \(path)" }
            })
        #expect(routes.subtracting(documented).isEmpty, "routes the document lacks: \(routes.subtracting(documented).sorted())")
        #expect(documented.subtracting(routes).isEmpty, "documented but not served: \(documented.subtracting(routes).sorted())")
        #expect(routes.count >= 15)

        let served = try await fixture.test { client in try await client.execute(uri: "/openapi.json", method: .get) }
        #expect(served.status == .ok && served.headers[.contentType]?.hasPrefix("application/json") == true)
        #expect(Data(buffer: served.body) == Data(VaultRouter.openAPIDocument))
    }

    @Test func aServedPathAskedWithAnotherMethodAnswers405WithAllow() async throws {
        let fixture = try await RouterFixture()
        try await fixture.test { client in
            let wrong = try await client.execute(uri: "/v1/generations/gen_x", method: .put, headers: fixture.headers())
            #expect(wrong.status == .methodNotAllowed && wrong.headers[.allow] == "DELETE, GET, PATCH")
            #expect(String(buffer: wrong.body).contains("method_not_allowed"))
            let unknown = try await client.execute(uri: "/v1/nothing-here", method: .put, headers: fixture.headers())
            #expect(unknown.status == .notFound)
        }
    }
}
