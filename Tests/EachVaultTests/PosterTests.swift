import Crypto
import Foundation
import Media
import Storage
import TestSupport
import Testing
import Transport
import VaultContract
import VaultRuntime
import Workers

/// Posters and previews made by Debian's ffmpeg: a still of each stored video and a small copy of each input image,
/// a few silent seconds of each video, stored as assets of their own, served to the team that holds their source,
/// shown by the gallery, collected with their source; a file ffmpeg cannot read is recorded, not retried, and harms
/// nothing.
@Suite(.timeLimit(.minutes(5))) struct PosterTests {
    @Test(arguments: StoreBackend.allCases)
    func videosAndInputImagesGetPostersServedToTheirTeamOnlyAndCollectedWithThem(_ backend: StoreBackend) async throws {
        try await withHarness(backend: backend, configure: Harness.makingPosters) { harness in
            let image = "\(harness.simulatorServer.baseURL)/_simulator/samples/sample-first-frame.png"
            let created = try await harness.client.createGeneration(
                GenerationRequest(
                    model: "pixverse-v5-6-image-to-video", input: ["prompt": "a heron lifts off", "image_url": .string(image)]))
            _ = try await harness.waitUntilFinal([created.id])
            // The video's poster and preview, the image's poster.
            try await eventually { try await harness.vault.store.posterCounts() == PosterCounts(waiting: 0, made: 3, failed: 0) }
            let detail = try #require(try await harness.vault.store.generationDetail(id: created.id))
            let video = try #require(detail.outputs.first?.asset)
            let input = try #require(detail.inputs.first?.asset)

            let poster = try await CurlTransport().send(
                HTTPRequest(
                    url: harness.server.baseURL + "/v1/files/\(video.sha256)/poster",
                    headers: [("Authorization", "Bearer \(harness.token)")]))
            #expect(poster.status == 200 && poster.headers[.contentType] == "image/jpeg")
            #expect(poster.body.starts(with: [0xFF, 0xD8, 0xFF]) && poster.body.count < video.size)
            #expect(try await harness.raw("GET", "/v1/files/\(input.sha256)/poster").status == 200)
            let preview = try await CurlTransport().send(
                HTTPRequest(
                    url: harness.server.baseURL + "/v1/files/\(video.sha256)/preview",
                    headers: [("Authorization", "Bearer \(harness.token)"), ("Range", "bytes=0-99")]))
            #expect(preview.status == 206 && preview.headers[.contentType] == "video/mp4", "a player's range request")
            #expect(preview.body.count == 100 && preview.body[4..<8].elementsEqual("ftyp".utf8))
            let previewAsset = try #require(try await harness.vault.store.derivedFiles(.preview, of: [video.sha256])[video.sha256])
            let probed = try await harness.vault.blobs.withLocalFile(previewAsset.sha256) { try MediaProbe.inspect(fileAt: $0) }
            #expect(probed.width.map { $0 <= PosterMaker.previewWidth } == true, "small")
            #expect(probed.durationS.map { $0 <= Double(PosterMaker.previewSeconds) + 0.5 } == true, "short")
            #expect(!probed.hasAudio && probed.videoCodec == "avc1", "silent H.264")
            #expect(try await harness.raw("GET", "/v1/files/\(input.sha256)/preview").status == 404, "images have none")
            // Another team sees neither the file nor its poster; a file with no poster has none.
            let other = try await harness.vault.store.createTeam(name: "others", now: Date())
            let otherToken = try await harness.vault.store.createToken(
                teamName: other.name, label: nil, scopes: [], now: Date()
            ).token
            #expect(try await harness.raw("GET", "/v1/files/\(video.sha256)/poster", token: otherToken).status == 404)
            #expect(try await harness.raw("GET", "/v1/files/\(video.sha256)/preview", token: otherToken).status == 404)

            // The gallery shows the poster and the video's length; the detail page gives the player its poster and
            // the input image its small copy.
            let session = [try await harness.signIn().cookie]
            let gallery = try await harness.raw("GET", "/", headers: session, token: .some(nil))
            #expect(gallery.body.contains("<img src=\"/g/files/\(video.sha256)/poster\""))
            #expect(!gallery.body.contains("<video"))
            #expect(gallery.body.contains("data-preview=\"/g/files/\(video.sha256)/preview\""), "for the script, on pointing")
            let previewShown = try await harness.raw("GET", "/g/files/\(video.sha256)/preview", headers: session, token: .some(nil))
            #expect(previewShown.status == 200 && previewShown.headers[.contentType] == "video/mp4")
            let page = try await harness.raw("GET", "/g/\(created.id)", headers: session, token: .some(nil))
            #expect(page.body.contains("poster=\"/g/files/\(video.sha256)/poster\""))
            #expect(page.body.contains("src=\"/g/files/\(input.sha256)/poster\""))
            let shown = try await harness.raw("GET", "/g/files/\(video.sha256)/poster", headers: session, token: .some(nil))
            #expect(shown.status == 200 && shown.headers[.cacheControl]?.contains("immutable") == true)

            // Deleted: the video, the image, both posters and the preview go at the next collection.
            try await harness.client.deleteGeneration(id: created.id)
            let report = try await harness.vault.blobs.collectGarbage(harness.vault.store, now: Date().addingTimeInterval(7200))
            #expect(report.blobs == 5, "video, image, their two posters and the video's preview")
            #expect(try await harness.vault.store.posterCounts() == PosterCounts(waiting: 0, made: 0, failed: 0))
            #expect(try await harness.vault.store.allAssets().isEmpty)
        }
    }

    /// A 16000 × 16000 PNG (750 KB of zeros) once drove ffmpeg to 2 GB: refused by its sniffed size before ffmpeg
    /// starts, and, when its size is not known, by ffmpeg's own `-max_pixels` at once, under a memory cap.
    @Test func aHugePictureIsRefusedWithoutDecodingIt() async throws {
        #expect(throws: PosterFailure.self) { try PosterMaker.checkSize(width: 16000, height: 16000) }
        #expect(throws: PosterFailure.self) { try PosterMaker.checkSize(width: .max, height: 2) }
        try PosterMaker.checkSize(width: 7680, height: 4320)
        guard let maker = PosterMaker.find(environment: ProcessInfo.processInfo.environment) else { return }
        #expect(PosterMaker.launcher.contains("--pdeathsig") && PosterMaker.launcher.contains { $0.hasPrefix("--as=") })
        let folder = try TempDirectory()
        let png = folder.url.appending(path: "huge.png")
        // Python's zlib writes it (750 KB): Foundation has no deflate on Linux.
        let script = """
            import struct, sys, zlib
            def chunk(kind, body):
                return struct.pack('>I', len(body)) + kind + body + struct.pack('>I', zlib.crc32(kind + body))
            side = 16000
            rows = zlib.compress(bytes(side * (1 + side * 3)), 9)
            header = struct.pack('>IIBBBBB', side, side, 8, 2, 0, 0, 0)
            open(sys.argv[1], 'wb').write(b'\\x89PNG\\r\\n\\x1a\\n' + chunk(b'IHDR', header) + chunk(b'IDAT', rows) + chunk(b'IEND', b''))
            """
        let written = try await runChild(["python3", "-c", script, png.path])
        try #require(written.status == 0, "\(written.errors)")
        let started = ContinuousClock.now
        await #expect(throws: PosterFailure.self) {
            try await maker.make(.poster, from: png, contentType: "image/png", into: folder.url.appending(path: "p.jpg"))
        }
        #expect(ContinuousClock.now - started < .seconds(25), "refused, not decoded until the timeout")
    }

    @Test func aFileFfmpegCannotReadIsRecordedNotRetriedAndHarmsNothing() async throws {
        try await withHarness(configure: Harness.makingPosters) { harness in
            // An MP4 signature on bytes that are no video: stored as video/mp4, refused by ffmpeg.
            let file = harness.home.url.appending(path: "fake.mp4")
            var bytes = Data([0, 0, 0, 0x18]) + Data("ftypisom".utf8) + Data(repeating: 0, count: 12)
            bytes += Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31) })
            try bytes.write(to: file)
            let sha256 = SHA256.hash(data: bytes).lowercaseHex
            let stored = try await harness.vault.storeLocalFile(file, sha256: sha256, size: Int64(bytes.count), teamID: nil)
            try #require(stored.hasPoster, "\(stored.contentType)")
            // Neither its poster nor its preview can be made.
            try await eventually { try await harness.vault.store.posterCounts().failed == 2 }
            #expect(try await harness.vault.store.posterCounts() == PosterCounts(waiting: 0, made: 0, failed: 2))
            #expect(await harness.vault.readiness().isReady)
            // Asked to, it tries again (and fails again).
            #expect(try await harness.vault.store.retryFailedPosters(now: Date()) == 2)
            harness.vault.postersDue.signal()
            try await eventually { try await harness.vault.store.posterCounts().failed == 2 }
        }
    }

    @Test func withoutFfmpegTheGalleryShowsPlaceholdersAndReadinessSaysWhy() async throws {
        try await withHarness { harness in
            let created = try await harness.client.createGeneration(
                GenerationRequest(model: "pixverse-v5-6-text-to-video", input: ["prompt": "a heron in the rain"]))
            _ = try await harness.waitUntilFinal([created.id])
            let readiness = await harness.vault.readiness()
            #expect(readiness.isReady && readiness.checks["posters"]?.hasPrefix("off: ffmpeg not found") == true)
            let session = [try await harness.signIn().cookie]
            let gallery = try await harness.raw("GET", "/", headers: session, token: .some(nil))
            #expect(gallery.body.contains("no poster yet") && !gallery.body.contains("/poster\""))
            #expect(try await harness.vault.store.posterCounts().waiting == 2, "poster and preview wait for ffmpeg")
        }
    }

    @Test func theCommandMakesThePostersOfAnArchiveFromBeforePosters() async throws {
        let launched = try await LaunchedService.start(team: "backfill")
        defer { Task { await launched.stop() } }
        let created = try await launched.client.createGeneration(
            GenerationRequest(model: "pixverse-v5-6-text-to-video", input: ["prompt": "an old heron"]))
        try await eventually { try await launched.client.generation(id: created.id).status == .completed }
        let made = try await launched.service.command(["posters"], extra: ["EACHVAULT_FFMPEG": ""])
        #expect(
            made.status == 0 && made.output.contains("2 file(s) tried; 2 poster(s) and preview(s) made, 0 failed, 0 waiting"),
            "\(made.output)")
        let again = try await launched.service.command(["posters"], extra: ["EACHVAULT_FFMPEG": ""])
        #expect(again.output.contains("0 file(s) tried; 2 poster(s) and preview(s) made"), "\(again.output)")
        let refused = try await launched.service.command(["posters"])
        #expect(refused.status != 0, "EACHVAULT_FFMPEG=off: nothing to make them with")
    }
}
