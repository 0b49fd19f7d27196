import Crypto
import Foundation
import ObjectStorage
import TestSupport
import Testing
import VaultContract
import VaultRuntime

/// `deploy/nginx.conf` with a real nginx in front: TLS, and file bytes handed to nginx (`X-Accel-Redirect`) after
/// EachVault has decided who may read them.
@Suite(.timeLimit(.minutes(5))) struct ReverseProxyTests {
    @Test func filesGoThroughNginxOnlyForThoseAllowedWithRangesValidatorsAndShareLinks() async throws {
        try await withHarness(configure: { $0.accelRedirect = "/_eachvault_blobs/" }) { harness in
            let work = try TempDirectory()
            let nginx = try await NginxProcess.start(
                upstream: "127.0.0.1:\(harness.server.port)", blobs: harness.home.url.appending(path: "blobs"),
                work: work.url)
            let created = try await harness.client.createGeneration(
                GenerationRequest(model: "pixverse-v5-6-text-to-video", input: ["prompt": "through the proxy"]))
            _ = try await harness.waitUntilFinal([created.id])
            let asset = try #require(try await harness.client.generation(id: created.id).assets.first)
            let url = nginx.httpsURL + "/v1/files/\(asset.sha256)"
            let bearer = ["-H", "Authorization: Bearer \(harness.token)"]

            let whole = try await nginx.curl(bearer + [url])
            #expect(whole.status == 200 && SHA256.hash(data: whole.body).lowercaseHex == asset.sha256)
            #expect(whole.headers["content-type"] == "video/mp4" && whole.headers["etag"] == "\"\(asset.sha256)\"")
            #expect(whole.headers["x-content-type-options"] == "nosniff")
            #expect(whole.headers["x-accel-redirect"] == nil && whole.headers["x-vault-etag"] == nil)
            let range = try await nginx.curl(bearer + ["-H", "Range: bytes=10-19", url])
            #expect(range.status == 206 && range.body == whole.body[10...19])
            #expect(range.headers["content-range"] == "bytes 10-19/\(asset.size)")
            let named = try await nginx.curl(bearer + [url + "?download=1"])
            #expect(named.headers["content-disposition"]?.hasPrefix("attachment; filename=\"pixverse") == true)
            let cached = try await nginx.curl(bearer + ["-H", "If-None-Match: \"\(asset.sha256)\"", url])
            #expect(cached.status == 304 && cached.body.isEmpty)

            // Authorisation is still EachVault's: another team's token, or none, gets nothing.
            let (_, otherToken, _) = try await harness.makeTeam("other-team")
            let foreign = try await nginx.curl(["-H", "Authorization: Bearer \(otherToken)", url])
            #expect(foreign.status == 404 && foreign.body.count < 1000)
            #expect(try await nginx.curl([url]).status == 401)
            let blobPath = "/_eachvault_blobs/\(FolderBlobs.relativePath(for: asset.sha256))"
            #expect(try await nginx.curl([nginx.httpsURL + blobPath]).status == 404)  // the folder is internal only

            // A share link's video, and plain HTTP sent to TLS.
            let made = try await harness.raw("POST", "/v1/generations/\(created.id)/share", body: #"{"expires_in_s": 600}"#)
            struct Share: Decodable { var url: String }
            let share = try JSONDecoder().decode(Share.self, from: Data(made.body.utf8))
            let sharePath = String(share.url.dropFirst(harness.server.baseURL.count))
            let shared = try await nginx.curl(["-H", "Range: bytes=0-99", nginx.httpsURL + sharePath + "/video"])
            #expect(shared.status == 206 && shared.body == whole.body[0...99])
            let plain = try await nginx.curl(["http://127.0.0.1:\(nginx.httpPort)/v1/files/x"])
            #expect(plain.status == 301 && plain.headers["location"]?.hasPrefix("https://") == true)
        }
    }
}
