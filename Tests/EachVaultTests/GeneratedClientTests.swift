import Foundation
import TestSupport
import Testing

/// A Python client generated from the served OpenAPI document by openapi-python-client (PyPI), used unmodified
/// (`Tests/OpenAPIClient/client_check.py`): plan, create, wait, search, share and download against the live service.
@Suite(.timeLimit(.minutes(5))) struct GeneratedClientTests {
    static let script = ServiceProcess.binary.deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appending(path: "Tests/OpenAPIClient/client_check.py")

    struct Seen: Decodable {
        var server: String
        var plan_valid: Bool
        var status: String
        var found: [String]
        var id: String
        var share_url: String
        var sha256: String
        var downloaded_sha256: String
    }

    @Test func aClientGeneratedFromTheDocumentCreatesWaitsSearchesSharesAndDownloads() async throws {
        try await withHarness { harness in
            let run = try await runChild(
                ["python3", Self.script.path, harness.server.baseURL, harness.token, "pixverse-v5-6-text-to-video"])
            try #require(run.status == 0, "\(run.errors.suffix(3000))")
            let seen = try JSONDecoder().decode(Seen.self, from: run.output)
            #expect(seen.server == harness.server.baseURL, "the document names where it was fetched from")
            #expect(seen.plan_valid && seen.status == "completed" && seen.found == [seen.id])
            #expect(seen.share_url.hasPrefix(harness.server.baseURL + "/s/"))
            #expect(seen.downloaded_sha256 == seen.sha256)
        }
    }
}
