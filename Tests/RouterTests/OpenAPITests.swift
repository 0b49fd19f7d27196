import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import VaultDomain
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
        #expect(try Self.servers(Data(buffer: served.body)) != [VaultRouter.documentServer], "the placeholder is replaced")
        // Where the service is reached, escaped as JSON whatever a Host header held.
        let hostile = #"https://vault.example:8443/"x\"#
        #expect(try Self.servers(VaultRouter.openAPIDocument(server: hostile)) == [hostile])
    }

    static func servers(_ document: Data) throws -> [String?] {
        let object = try #require(try JSONSerialization.jsonObject(with: document) as? [String: Any])
        return try #require(object["servers"] as? [[String: Any]]).map { $0["url"] as? String }
    }

    /// What generated clients rely on: every operation tagged and described, a separate dry-run operation, enums
    /// where the values are fixed (the codes the API answers with among them), and every outgoing event described.
    @Test func theDocumentIsOneClientsCanBeGeneratedFrom() throws {
        let document = try #require(try JSONSerialization.jsonObject(with: VaultRouter.openAPIDocument) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        for (path, operations) in paths {
            for (method, operation) in operations where method != "parameters" {
                let operation = try #require(operation as? [String: Any])
                #expect((operation["tags"] as? [String])?.count == 1, "\(method) \(path) has a tag")
                #expect(((operation["description"] as? String)?.count ?? 0) > 20, "\(method) \(path) is described")
            }
        }
        #expect((paths["/v1/generations/plan"]?["post"] as? [String: Any])?["operationId"] as? String == "planGeneration")
        let webhooks = try #require(document["webhooks"] as? [String: Any])
        #expect(Set(webhooks.keys) == Set(OutgoingEventType.allCases.map(\.rawValue)))

        // Every error code a controller answers with is in the document's enum.
        let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
        let errorBody = try #require(schemas["ErrorBody"] as? [String: Any])
        let error = try #require((errorBody["properties"] as? [String: Any])?["error"] as? [String: Any])
        let code = try #require((error["properties"] as? [String: Any])?["code"] as? [String: Any])
        let documented = Set(try #require(code["enum"] as? [String]))
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appending(path: "Sources/VaultAPI")
        var answered: Set<String> = []
        for case let file as URL in FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)!
        where file.pathExtension == "swift" {
            let text = try String(contentsOf: file, encoding: .utf8)
            answered.formUnion(text.matches(of: #/code: "([a-z_]+)"/#).map { String($0.1) })
        }
        #expect(answered.count > 20 && answered.subtracting(documented).isEmpty, "\(answered.subtracting(documented))")
        #expect(documented.subtracting(answered).isEmpty, "\(documented.subtracting(answered))")
    }

    @Test func aServedPathAskedWithAnotherMethodAnswers405WithAllow() async throws {
        let fixture = try await RouterFixture()
        try await fixture.test { client in
            let wrong = try await client.execute(uri: "/v1/generations/gen_x", method: .put, headers: fixture.headers())
            #expect(wrong.status == .methodNotAllowed && wrong.headers[.allow] == "DELETE, GET, PATCH")
            #expect(String(buffer: wrong.body).contains("method_not_allowed"))
            // A literal segment decides before a parameter, as in the router: plan is not an id.
            let plan = try await client.execute(uri: "/v1/generations/plan", method: .get, headers: fixture.headers())
            #expect(plan.status == .methodNotAllowed && plan.headers[.allow] == "POST")
            let category = try await client.execute(uri: "/v1/generations?category=sci-fi", method: .get, headers: fixture.headers())
            #expect(category.status == .badRequest && String(buffer: category.body).contains("text-to-video"))
            let unknown = try await client.execute(uri: "/v1/nothing-here", method: .put, headers: fixture.headers())
            #expect(unknown.status == .notFound)
        }
    }
}
