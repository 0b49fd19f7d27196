@testable import Storage
import Crypto
import EachLabs
import Foundation
import Simulator
import Testing
@testable import Transport
import VaultContract
import VaultRuntime
@testable import Workers
import TestSupport

/// Waits (bounded) until every media input of `ids` is stored or given up.
private func waitForInputs(_ harness: Harness, _ ids: [String], timeout: Duration = .seconds(30)) async throws
    -> [GenerationDetail]
{
    let deadline = ContinuousClock.now + timeout
    while true {
        let details = try await ids.asyncMap { try #require(try await harness.vault.store.generationDetail(id: $0)) }
        if details.allSatisfy({ $0.inputs.allSatisfy { $0.asset != nil || $0.input.nextAttemptAt == nil } }) {
            return details
        }
        guard ContinuousClock.now < deadline else { Issue.record("inputs not stored in time"); return details }
        try await Task.sleep(for: .milliseconds(50))
    }
}

@Suite(.timeLimit(.minutes(5))) struct LineageTests {
    static let model = "pixverse-v5-6-image-to-video"

    @Test(arguments: StoreBackend.allCases)
    func tenGenerationsFromOneImageStoreItOnceAndTheInputFilterFindsThemAll(_ backend: StoreBackend) async throws {
        try await withHarness(backend: backend) { harness in
            let image = "\(harness.simulatorServer.baseURL)/_simulator/samples/sample-first-frame.png"
            var ids: [String] = []
            for take in 0..<10 {
                ids.append(
                    try await harness.client.createGeneration(
                        GenerationRequest(
                            model: Self.model, input: ["prompt": .string("the lighthouse, take \(take)"), "image_url": .string(image)])
                    ).id)
            }
            _ = try await harness.waitUntilFinal(ids)
            let details = try await waitForInputs(harness, ids)
            let digests = Set(details.flatMap { $0.inputs.compactMap(\.asset?.sha256) })
            #expect(digests.count == 1 && details.allSatisfy { $0.inputs.count == 1 && $0.inputs[0].input.field == "image_url" })
            let sha = try #require(digests.first)
            let stored = try await harness.vault.store.allAssets().filter { $0.sha256 == sha }
            #expect(stored.count == 1 && stored[0].contentType == "image/png" && stored[0].width != nil)
            #expect(await harness.vault.blobs.check(stored[0]) == .intact)

            let page = try await harness.client.search([("input", sha), ("limit", "50")])
            #expect(Set(page.items.map(\.id)) == Set(ids))
            #expect(page.items.allSatisfy { $0.inputs.first?.sha256 == sha && $0.inputs.first?.sourceURL == image })
            // The team can fetch its input file; another team cannot see it.
            #expect(try await harness.raw("GET", "/v1/files/\(sha)").status == 200)
            let other = try await harness.makeTeam("team-b")
            #expect(try await harness.raw("GET", "/v1/files/\(sha)", token: other.token).status == 404)
            #expect(try await other.client.search([("input", sha)]).count == 0)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aLocalFileGoesThroughThePresignedUploadFlowOnce(_ backend: StoreBackend) async throws {
        try await withHarness(backend: backend) { harness in
            let sample = try await EmbeddedFilesProbe.samplePNG(harness)
            let bytes = try #require(sample)
            let dataURI = "data:image/png;base64," + bytes.base64EncodedString()
            let request = GenerationRequest(model: Self.model, input: ["prompt": "from my laptop", "image_url": .string(dataURI)])
            let first = try await harness.client.createGeneration(request)
            let publicURL = try #require(first.input["image_url"]?.stringValue)
            #expect(publicURL.hasPrefix(harness.simulatorServer.baseURL + "/uploads/"))
            var stats = await harness.simulator.stats()
            #expect(stats.presigns == 1 && stats.uploads == 1)
            // The provider serves exactly the bytes sent.
            let served = try await CurlTransport().send(HTTPRequest(url: publicURL))
            #expect(served.status == 200 && served.body == bytes)
            // The input is linked to the stored file without a download.
            let sha = SHA256.hash(data: bytes).lowercaseHex
            #expect(first.inputs.first?.sha256 == sha)

            // The same file again: no second upload, and the same request key answers it.
            let again = try await harness.client.createGeneration(request)
            #expect(again.deduplicatedFrom == first.id)
            var another = request
            another.dedup = false
            _ = try await harness.client.createGeneration(another)
            stats = await harness.simulator.stats()
            #expect(stats.presigns == 1 && stats.uploads == 1)

            // Another team with the same file learns nothing of the first team's upload: its dry run names the file
            // by digest, its request key is its own, and its generation sends the file again under a URL of its own.
            let other = try await harness.makeTeam("team-b")
            let plan = try await other.client.planGeneration(request)
            let firstPlan = try await harness.client.planGeneration(request)
            #expect(plan.requestKey != firstPlan.requestKey, "the key must not depend on another team's history")
            #expect(await harness.simulator.stats().presigns == 1, "a dry run sends nothing")
            let theirs = try await other.client.createGeneration(request)
            let theirURL = try #require(theirs.input["image_url"]?.stringValue)
            #expect(theirURL != publicURL && theirURL.hasPrefix(harness.simulatorServer.baseURL + "/uploads/"))
            stats = await harness.simulator.stats()
            #expect(stats.presigns == 2 && stats.uploads == 2)

            // A broken data URI is refused before anything reaches the provider.
            let broken = try await harness.raw(
                "POST", "/v1/generations",
                body: #"{"model": "\#(Self.model)", "input": {"prompt": "x", "image_url": "data:image/png;base64"}}"#)
            #expect(broken.status == 422 && broken.body.contains("image_url"))
            try await eventually { await harness.simulator.stats().creates == 3 }
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aFileStreamedIntoTheArchiveIsUsedByReferenceAndSentToTheProviderOnce(_ backend: StoreBackend) async throws {
        try await withHarness(backend: backend) { harness in
            let sample = try await EmbeddedFilesProbe.samplePNG(harness)
            let bytes = try #require(sample)
            let file = harness.home.url.appending(path: "photo.png")
            try bytes.write(to: file)
            let reference = try await harness.client.upload(file: file).reference
            let sha = SHA256.hash(data: bytes).lowercaseHex
            #expect(reference == "sha256:\(sha)")
            #expect(try await harness.raw("GET", "/v1/files/\(sha)").status == 200)
            #expect(await harness.simulator.stats().presigns == 0)  // nothing reaches the provider until it is used

            var request = GenerationRequest(model: Self.model, input: ["prompt": "by reference", "image_url": .string(reference)])
            let first = try await harness.client.createGeneration(request)
            #expect(first.input["image_url"]?.stringValue?.hasPrefix(harness.simulatorServer.baseURL + "/uploads/") == true)
            #expect(first.inputs.first?.sha256 == sha)
            request.dedup = false
            _ = try await harness.client.createGeneration(request)
            try await eventually { await harness.simulator.stats().creates == 2 }
            let stats = await harness.simulator.stats()
            #expect(stats.presigns == 1 && stats.uploads == 1)

            // Another team holds no such file: refused before the provider, and the file is not theirs to read.
            let other = try await harness.makeTeam("team-b")
            let refused = try await harness.raw(
                "POST", "/v1/generations", body: #"{"model": "\#(Self.model)", "input": {"prompt": "x", "image_url": "\#(reference)"}}"#,
                token: other.token)
            #expect(refused.status == 422 && refused.body.contains("image_url"))
            #expect(try await harness.raw("GET", "/v1/files/\(sha)", token: other.token).status == 404)
            #expect(try await harness.raw("POST", "/v1/uploads", body: "").status == 400)
            #expect(await harness.simulator.stats().creates == 2)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func unusedUploadsAreCollectedAfterAWeek(_ backend: StoreBackend) async throws {
        try await withHarness(backend: backend) { harness in
            let file = harness.home.url.appending(path: "notes.bin")
            try Data("not used by any generation".utf8).write(to: file)
            let sha = try await harness.client.upload(file: file).sha256
            #expect(try await harness.vault.blobs.collectGarbage(harness.vault.store, now: Date().addingTimeInterval(7200)).blobs == 0)
            let report = try await harness.vault.blobs.collectGarbage(harness.vault.store, now: Date().addingTimeInterval(8 * 86400))
            let stillThere = await harness.vault.blobs.contains(sha)
            #expect(report.blobs == 1 && !stillThere)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func theSimulatorRefusesUploadsThatBreakThePresignedContract(_ backend: StoreBackend) async throws {
        try await withHarness(backend: backend) { harness in
            let provider = LiveProviderAPI(
                baseURL: harness.simulatorServer.baseURL, apiKey: Harness.apiKey,
                transport: CurlTransport())
            let slot = try await provider.presignUpload(PresignRequest(contentType: "image/png"))
            #expect(slot.requiredHeaders.isEmpty == false)
            let transport = CurlTransport()
            let bare = try await transport.send(
                HTTPRequest(
                    method: "PUT", url: slot.presignedURL,
                    headers: [("Content-Type", "image/png")], body: Data([1, 2, 3])))
            #expect(bare.status == 403)
            let wrongType = try await transport.send(
                HTTPRequest(
                    method: "PUT", url: slot.presignedURL,
                    headers: [("Content-Type", "image/jpeg")] + slot.requiredHeaders.map { ($0.key, $0.value) }, body: Data([1])))
            #expect(wrongType.status == 403)
            let unauthenticated = try await transport.send(
                HTTPRequest(
                    method: "POST", url: harness.simulatorServer.baseURL + "/v1/upload/presign",
                    headers: [("Content-Type", "application/json")], body: Data(#"{"content_type": "image/png"}"#.utf8)))
            #expect(unauthenticated.status == 401)

            // A prediction using the upload URL before its bytes were PUT fails like the provider's: INPUT_DOWNLOAD_ERROR.
            func fate(of input: [String: JSONValue]) async throws -> Prediction {
                let id = try await provider.createPrediction(CreatePrediction(model: Self.model, version: "0.0.1", input: input))
                for _ in 0..<200 {
                    let prediction = try await provider.prediction(id: id)
                    if prediction.status.isFinal { return prediction }
                    try await Task.sleep(for: .milliseconds(50))
                }
                throw CancellationError()
            }
            let input: [String: JSONValue] = ["prompt": "uploaded frame", "image_url": .string(slot.publicURL)]
            #expect(try await fate(of: input).failure?.code == "INPUT_DOWNLOAD_ERROR")
            let put = try await transport.send(
                HTTPRequest(
                    method: "PUT", url: slot.presignedURL,
                    headers: [("Content-Type", "image/png")] + slot.requiredHeaders.map { ($0.key, $0.value) }, body: Data([1, 2])))
            #expect(put.status == 200)
            #expect(try await fate(of: input).status == .success)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func inputURLsReachingPrivateAddressesAreRefusedByDefaultWithoutFailingTheVideo(_ backend: StoreBackend) async throws {
        var settings = Harness.testSettings
        settings.inputsFromPublicAddressesOnly = true
        settings.checkInputURLs = false  // else the create is refused (InputKindTests): here, the download's own rule
        try await withHarness(workers: settings, backend: backend) { harness in
            // The simulator listens on loopback: as a user-supplied URL, that is this machine's private network.
            let image = "\(harness.simulatorServer.baseURL)/_simulator/samples/sample-first-frame.png"
            let created = try await harness.client.createGeneration(
                GenerationRequest(
                    model: Self.model, input: ["prompt": "an internal address", "image_url": .string(image)]))
            #expect(try await harness.waitUntilFinal([created.id])[0].status == .completed)
            let input = try #require(try await waitForInputs(harness, [created.id])[0].inputs.first)
            #expect(input.asset == nil && input.input.nextAttemptAt == nil)
            // One message for every failure to reach a team's URL: nothing tells a private address from a dead one.
            #expect(input.input.lastError == "could not fetch the file from a public internet address")
            #expect(input.input.lastError?.contains("127.0.0.1") == false)
            await #expect(try harness.vault.store.allAssets().allSatisfy { $0.contentType == "video/mp4" })
        }
    }

    @Test func addressesAreClassified() {
        for address in [
            "127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254",
            "100.64.0.1", "0.0.0.0", "224.0.0.1", "::1", "::", "fe80::1", "fd00::1", "::ffff:127.0.0.1",
            "::ffff:169.254.169.254", "::127.0.0.1", "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe",
            "64:ff9b:1::1", "2002:7f00:1::1", "2002:a9fe:a9fe::1", "2001:0:1::1", "2001:db8::1",
            "fec0::1", "ff02::1", "100::1", "not an address",
        ] {
            #expect(!IPAddress.isPublic(address), "\(address)")
        }
        for address in [
            "8.8.8.8", "172.32.0.1", "93.184.216.34", "2606:4700::1111", "::ffff:8.8.8.8",
            "64:ff9b::808:808", "2002:808:808::1",
        ] {
            #expect(IPAddress.isPublic(address), "\(address)")
        }
    }

    @Test func mediaFieldsAreRecognisedAcrossTheCatalogue() async throws {
        for field in [
            "image_url", "end_image_url", "image_urls", "image_url2", "first_frame_image", "audio", "video",
            "mask_image", "input_image_urls", "image_references",
        ] {
            #expect(RequestSchema.isMediaField(field, type: "string"), "\(field)")
        }
        for field in ["prompt", "audio_negative_prompt", "start_video_id", "generate_audio"] {
            #expect(!RequestSchema.isMediaField(field, type: field == "generate_audio" ? "boolean" : "string"), "\(field)")
        }
        #expect(!RequestSchema.isMediaField("image_guidance_scale", type: "number"))
        let schema = RequestSchema(required: [], properties: ["image_urls": PropertySchema(type: "array")])
        let input: [String: JSONValue] = [
            "image_urls": .array(["https://a/1.png", "not a url", "https://a/2.png"]),
            "prompt": "https://looks.like/a-url",
        ]
        let references = schema.mediaInputs(in: input, where: { $0.isHTTPURL })
        #expect(references.map(\.position) == [0, 2] && references.allSatisfy { $0.field == "image_urls" })
    }
}

/// The simulator's sample image, fetched over HTTP as any client would.
enum EmbeddedFilesProbe {
    static func samplePNG(_ harness: Harness) async throws -> Data? {
        let response = try await CurlTransport().send(
            HTTPRequest(
                url: "\(harness.simulatorServer.baseURL)/_simulator/samples/sample-last-frame.png"))
        return response.status == 200 ? response.body : nil
    }
}
