@testable import Storage
import Blobs
import Crypto
import EachLabs
import Foundation
@testable import ObjectStorage
import Simulator
@testable import StoreSQLite
import TestSupport
import Testing
import Transport
import VaultAPIClient
import VaultContract
import VaultRuntime
@testable import Workers

/// The archive on an S3-compatible store (a real moto server on loopback): generations archived into it, served
/// by redirect and through the service, large files in resumable parts, blobs moved between a folder and a store,
/// collections and verification against the store.
@Suite(.serialized, .timeLimit(.minutes(5))) struct ObjectStoreArchiveTests {
    static let model = "pixverse-v5-6-text-to-video"

    /// Harness settings that put blobs in `server`'s bucket.
    static func storing(in server: S3TestServer, serving: S3Blobs.Serving) -> (inout VaultConfiguration) -> Void {
        { configuration in
            configuration.blobStore = .s3(try! server.location())
            configuration.objectStore.serving = serving
        }
    }

    @Test func generationsAreArchivedInTheStoreAndServedByRedirect() async throws {
        // Without IAM: moto answers presigned URLs only then, and the test follows the redirect to the bytes.
        let server = try await S3TestServer.start(checksSignatures: false)
        try await withHarness(configure: Self.storing(in: server, serving: .redirect)) { harness in
            let created = try await harness.client.createGeneration(
                GenerationRequest(model: Self.model, input: ["prompt": "kept in a bucket"]))
            #expect(try await harness.waitUntilFinal([created.id]).first?.status == .completed)
            let asset = try #require(try await harness.client.generation(id: created.id).assets.first)
            let client = S3Client(location: try server.location(), transport: CurlTransport())
            #expect(try await client.head(asset.sha256)?.size == asset.size)
            #expect(!FileManager.default.fileExists(atPath: harness.home.url.appending(path: "blobs").path))

            let redirect = try await harness.raw("GET", "/v1/files/\(asset.sha256)?download=1")
            #expect(redirect.status == 307 && redirect.headers["Cache-Control"] == "private, no-store")
            let location = try #require(redirect.headers["Location"])
            #expect(location.contains("X-Amz-Signature=") && location.contains("response-content-type=video%2Fmp4"))
            #expect(location.contains("response-content-disposition=attachment"))
            func expires(_ url: String?) -> String? {
                URLComponents(string: url ?? "")?.queryItems?.first { $0.name == "X-Amz-Expires" }?.value
            }
            #expect(expires(location) == "900", "a team's own file: the store's URL lifetime")
            // A share link's redirect works a minute at most, so revoking the link ends it within that.
            let share = try await harness.client.share(id: created.id, expiresInS: 3600)
            let token = try #require(share.url.split(separator: "/").last)
            let shared = try await harness.raw("GET", "/s/\(token)/video", token: .some(nil))
            #expect(shared.status == 307 && expires(shared.headers["Location"]) == "60")
            let fetched = try await CurlTransport().send(HTTPRequest(url: location), maxBodyBytes: 64 << 20)
            #expect(fetched.status == 200 && SHA256.hash(data: fetched.body).lowercaseHex == asset.sha256)
            // (moto ignores `response-content-type`; AWS S3, MinIO, R2 and Ceph RGW answer with it.)
            let range = try await CurlTransport().send(HTTPRequest(url: location, headers: [("Range", "bytes=0-9")]))
            #expect(range.status == 206 && range.body.count == 10)
            // Validators are still answered by the service, without a trip to the store.
            let cached = try await harness.raw("GET", "/v1/files/\(asset.sha256)", headers: [("If-None-Match", "\"\(asset.sha256)\"")])
            #expect(cached.status == 304)
            #expect(try await harness.raw("GET", "/readyz", token: .some(nil)).status == 200)
            // The gallery's pages let videos come from the store the files redirect to.
            let gallery = try await harness.raw("GET", "/", headers: [try await harness.signIn().cookie], token: .some(nil))
            #expect(gallery.headers["Content-Security-Policy"]?.contains("media-src 'self' blob: \(server.endpoint.absoluteString);") == true)

            #expect(try await harness.vault.blobs.verify(harness.vault.store.allAssets(), rehash: true).isClean)
            try await harness.client.deleteGeneration(id: created.id)
            let report = try await harness.vault.blobs.collectGarbage(harness.vault.store, now: Date().addingTimeInterval(7200))
            #expect(report.blobs == 1 && report.bytes == asset.size)
            #expect(try await client.head(asset.sha256) == nil)
        }
    }

    @Test func proxyModeStreamsEveryRangeThroughTheService() async throws {
        let server = try await S3TestServer.start()
        var simulator = Harness.simulatorSettings
        simulator.outputBytes = (9 << 20) + 333  // three 4 MiB chunks, the last one short
        try await withHarness(simulator: simulator, configure: Self.storing(in: server, serving: .proxy)) { harness in
            let created = try await harness.client.createGeneration(
                GenerationRequest(model: Self.model, input: ["prompt": "streamed through"]))
            _ = try await harness.waitUntilFinal([created.id])
            let asset = try #require(try await harness.client.generation(id: created.id).assets.first)
            let bytes = try await CurlTransport().send(
                HTTPRequest(url: asset.url, headers: [("Authorization", "Bearer \(harness.token)")]), maxBodyBytes: 64 << 20)
            #expect(bytes.status == 200 && bytes.headers["Content-Length"] == String(asset.size))
            #expect(SHA256.hash(data: bytes.body).lowercaseHex == asset.sha256)
            let chunk = 4 << 20
            for (header, expected) in [
                ("bytes=\(chunk - 5)-\(chunk + 4)", bytes.body[(chunk - 5)...(chunk + 4)]),
                ("bytes=-100", bytes.body.suffix(100)), ("bytes=\(2 * chunk)-", bytes.body[(2 * chunk)...]),
            ] {
                let part = try await CurlTransport().send(
                    HTTPRequest(url: asset.url, headers: [("Authorization", "Bearer \(harness.token)"), ("Range", header)]),
                    maxBodyBytes: 64 << 20)
                #expect(part.status == 206 && part.body == Data(expected), "\(header)")
            }
            let head = try await harness.raw("HEAD", "/v1/files/\(asset.sha256)")
            #expect(head.status == 200 && head.headers["Content-Length"] == String(asset.size))
        }
    }

    @Test func anInlineFileIsStoredInTheBucketAndUploadedToTheProviderFromIt() async throws {
        let server = try await S3TestServer.start()
        try await withHarness(configure: Self.storing(in: server, serving: .redirect)) { harness in
            let png = try #require(try await EmbeddedFilesProbe.samplePNG(harness))
            let schema = try await harness.vault.model(slug: "pixverse-v5-6-image-to-video").requestSchema
            let input: [String: JSONValue] = [
                "prompt": "from the bucket", "image_url": .string("data:image/png;base64," + png.base64EncodedString()),
            ]
            let resolved = try await harness.vault.resolveLocalFiles(input, schema: schema, teamID: harness.team.id, upload: true)
            let sha256 = try #require(resolved.storedFiles.values.first)
            #expect(sha256 == SHA256.hash(data: png).lowercaseHex)
            #expect(try await S3Client(location: try server.location(), transport: CurlTransport()).head(sha256) != nil)
            #expect(await harness.simulator.stats().uploads == 1)
            // The copy fetched for the provider is gone.
            #expect(try FileManager.default.contentsOfDirectory(atPath: harness.vault.blobs.tempDirectory.path).isEmpty)
        }
    }

    @Test func largeFilesGoUpInPartsAndAnInterruptedUploadResumes() async throws {
        let server = try await S3TestServer.start()
        let home = try TempDirectory()
        let client = S3Client(location: try server.location(), transport: CurlTransport())
        let blobs = S3Blobs(client: client, partSize: 5 << 20)
        let bytes = Data((0..<((12 << 20) + 5)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) })
        let file = home.url.appending(path: "large")
        try bytes.write(to: file)
        let sha256 = SHA256.hash(data: bytes).lowercaseHex

        // A crash mid-upload: part 1 sent, part 2 sent with other bytes (a file changed since), part 3 never.
        let uploadID = try await client.createUpload(sha256, sha256: sha256)
        let first: Range<Int64> = 0..<(5 << 20)
        _ = try await client.uploadPart(
            file, range: first, key: sha256, uploadID: uploadID, number: 1,
            digests: try S3Client.digests(of: file, range: first))
        let other = home.url.appending(path: "other")
        try Data(repeating: 7, count: 5 << 20).write(to: other)
        _ = try await client.uploadPart(
            other, range: first, key: sha256, uploadID: uploadID, number: 2,
            digests: try S3Client.digests(of: other, range: first))

        try await blobs.put(file, sha256: sha256, size: Int64(bytes.count))
        #expect(try await client.unfinishedUpload(sha256) == nil)  // the interrupted upload was the one completed
        #expect(try await client.head(sha256)?.size == Int64(bytes.count))
        let copy = try await blobs.localFile(sha256, scratch: home.url)
        let copied = try Data(contentsOf: copy.url)
        #expect(copy.isCopy && SHA256.hash(data: copied).lowercaseHex == sha256)
        let checked = await blobs.check(sha256, size: Int64(bytes.count), rehash: false, scratch: home.url)
        #expect(checked == .intact)

        // An upload a crash left behind for good is given up once it is old enough, not before (moto dates every
        // upload 2010-11-10, so "before" is moved rather than the upload aged).
        _ = try await client.createUpload("0" + sha256.dropFirst(), sha256: sha256)
        #expect(try await blobs.abandonPartialWrites(before: Date(timeIntervalSince1970: 0)) == 0)
        #expect(try await blobs.abandonPartialWrites(before: Date().addingTimeInterval(3600)) == 1)
        #expect(try await client.unfinishedUploads().isEmpty)
    }

    @Test func blobsMoveFromAFolderToAStoreAndBackVerified() async throws {
        let server = try await S3TestServer.start()
        try await withHarness { harness in
            var ids: [String] = []
            for prompt in ["first to move", "second to move"] {
                ids.append(try await harness.client.createGeneration(GenerationRequest(model: Self.model, input: ["prompt": .string(prompt)])).id)
            }
            _ = try await harness.waitUntilFinal(ids)
            let assets = try await harness.vault.store.allAssets()
            #expect(assets.count == 2)
            var configuration = harness.configuration
            configuration.blobStore = .s3(try server.location())
            let bucket = try configuration.openBlobStore()

            let moved = await harness.vault.blobs.copyBlobs(of: assets, to: bucket)
            #expect(moved.copied == 2 && moved.failed.isEmpty && moved.bytes == assets.reduce(0) { $0 + $1.size })
            let again = await harness.vault.blobs.copyBlobs(of: assets, to: bucket)
            #expect(again.copied == 0 && again.alreadyThere == 2)
            #expect(await bucket.verify(assets, rehash: false).isClean)
            #expect(await bucket.verify(assets, rehash: true).isClean)

            let back = try configuration.openBlobStore(.folder(harness.home.url.appending(path: "blobs-back")))
            let returned = await bucket.copyBlobs(of: assets, to: back)
            #expect(returned.copied == 2 && returned.failed.isEmpty)
            #expect(await back.verify(assets).isClean)

            // A replaced object is found by verification, from the store's checksum alone.
            let tampered = harness.home.url.appending(path: "tampered")
            let fake = Data(repeating: 1, count: Int(assets[0].size))
            try fake.write(to: tampered)
            try await (bucket.backend as! S3Blobs).client.put(
                file: tampered, key: assets[0].sha256, sha256: SHA256.hash(data: fake).lowercaseHex, size: assets[0].size)
            let report = await bucket.verify(assets, rehash: false)
            #expect(report.corrupt == [assets[0].sha256] && report.checked == 2)
        }
    }
}

/// Collections against the stores: unrecorded blobs, and a store of the same bytes while they are being collected.
@Suite(.timeLimit(.minutes(5))) struct BlobCollectionTests {
    let home: TempDirectory
    let database: AppDatabase
    let blobs: BlobStore

    init() throws {
        home = try TempDirectory()
        database = try AppDatabase(path: home.url.appending(path: "db.sqlite").path)
        blobs = try BlobStore(home: home.url)
    }

    @Test func aBlobStoredWhileItIsBeingCollectedIsStoredAgainAndKept() async throws {
        let (bytes, asset) = Self.asset("bytes a collection is removing")
        try await blobs.backend.put(try stage(bytes), sha256: asset.sha256, size: asset.size)
        // A collection noted the digest (it was in the store, unrecorded) and has not removed it yet.
        await #expect(try database.noteUnrecordedBlobs([asset.sha256], now: Date()) == [asset.sha256])
        let staged = try stage(bytes)
        let storing = Task { [blobs, database] in
            try await blobs.keep(staged, sha256: asset.sha256, size: asset.size) {
                try await database.recordLocalFile(asset, now: Date())
            }
        }
        await #expect(throws: BlobBeingCollected.self) { try await database.recordLocalFile(asset, now: Date()) }
        // The collection goes on: removes the bytes, forgets the note. The waiting store then puts them back.
        try await blobs.backend.remove(asset.sha256)
        try await database.forgetBlobDeletions([asset.sha256])
        try await storing.value
        let recorded = try await database.allAssets()
        #expect(await blobs.contains(asset.sha256) && recorded.map(\.sha256) == [asset.sha256])
        #expect(await blobs.verify(recorded).isClean)
    }

    @Test func unrecordedBlobsADayOldAreCollectedAndRecordedOnesKept() async throws {
        let (orphanBytes, orphan) = Self.asset("stored, then the process died")
        try await blobs.backend.put(try stage(orphanBytes), sha256: orphan.sha256, size: orphan.size)
        let (keptBytes, kept) = Self.asset("stored and recorded as a team upload")
        let team = try await database.createTeam(name: "t", now: Date())
        try await blobs.keep(try stage(keptBytes), sha256: kept.sha256, size: kept.size) {
            try await database.recordLocalFile(kept, teamID: team.id, now: Date())
        }
        #expect(try await blobs.collectGarbage(database).unrecorded == 0)  // too young: may be mid-recording
        let report = try await blobs.collectGarbage(database, now: Date().addingTimeInterval(2 * 86400))
        #expect(report.unrecorded == 1 && report.blobs == 0 && report.bytes == orphan.size)
        let (orphanThere, keptThere) = (await blobs.contains(orphan.sha256), await blobs.contains(kept.sha256))
        #expect(!orphanThere && keptThere)
        await #expect(try database.blobDeletions().isEmpty)
    }

    private static func asset(_ text: String) -> (Data, Asset) {
        let bytes = Data(text.utf8)
        return (
            bytes,
            Asset(
                sha256: SHA256.hash(data: bytes).lowercaseHex, size: Int64(bytes.count),
                contentType: Asset.opaqueContentType, durationS: nil, width: nil, height: nil, videoCodec: nil,
                hasAudio: nil, storedAt: Date())
        )
    }

    private func stage(_ bytes: Data) throws -> URL {
        let file = blobs.partialFile(for: UUID().uuidString)
        try bytes.write(to: file)
        return file
    }
}

/// The move a team makes when it outgrows one disk, with the real binary: copy the blobs of a running service to a
/// bucket, restart it on the bucket, copy again for what came in between, verify; and back to a folder.
@Suite(.timeLimit(.minutes(5))) struct BlobMigrationCommandTests {
    @Test func aRunningArchiveMovesToABucketAndBackWithTheCommands() async throws {
        let bucket = try await S3TestServer.start()
        let launched = try await LaunchedService.start(team: "movers")
        defer { Task { await launched.stop() } }
        let (home, service, client, token) = (launched.home, launched.service, launched.client, launched.token)
        func generate(_ prompt: String) async throws -> GenerationView {
            let created = try await client.createGeneration(
                GenerationRequest(model: ObjectStoreArchiveTests.model, input: ["prompt": .string(prompt)]))
            try await eventually { try await client.generation(id: created.id).status == .completed }
            return try await client.generation(id: created.id)
        }
        var generations = [try await generate("before the move"), try await generate("also before")]

        let copied = try await service.command(["migrate-blobs", "--to", "s3://\(bucket.bucket)"], extra: bucket.environment)
        #expect(copied.status == 0 && copied.output.contains("2 blob(s) copied"), "\(copied.output)")
        await service.stop()
        service.environment.merge(bucket.environment) { $1 }
        service.environment["EACHVAULT_BLOB_STORE"] = "s3://\(bucket.bucket)"
        service.environment["EACHVAULT_S3_SERVE"] = "proxy"
        try await service.start()
        generations.append(try await generate("after the move"))
        // Nothing came in between here; a second copy (as after a switch) finds every blob there, the new one too.
        let again = try await service.command(
            ["migrate-blobs", "--to", "s3://\(bucket.bucket)"],
            extra: ["EACHVAULT_BLOB_STORE": home.url.appending(path: "blobs").path])
        #expect(again.status == 0 && again.output.contains("0 blob(s) copied") && again.output.contains("3 already there"), "\(again.output)")

        let verified = try await service.command(["verify", "--rehash"])
        #expect(verified.status == 0 && verified.output.contains("3 blob(s) checked"), "\(verified.output)")
        for generation in generations {
            let asset = try #require(generation.assets.first)
            let served = try await CurlTransport().send(
                HTTPRequest(url: asset.url, headers: [("Authorization", "Bearer \(token)")]), maxBodyBytes: 64 << 20)
            #expect(served.status == 200 && SHA256.hash(data: served.body).lowercaseHex == asset.sha256)
        }

        let back = home.url.appending(path: "blobs-back")
        let returned = try await service.command(["migrate-blobs", "--to", back.path])
        #expect(returned.status == 0 && returned.output.contains("3 blob(s) copied"), "\(returned.output)")
        let local = try await service.command(["verify"], extra: ["EACHVAULT_BLOB_STORE": back.path])
        #expect(local.status == 0 && local.output.contains("3 blob(s) checked, "), "\(local.output)")
        await service.stop()
    }
}
