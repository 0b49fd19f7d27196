import Crypto
import Foundation
import TestSupport
import Testing
import Transport
import VaultAPIClient
import VaultContract

/// The move a team makes when it outgrows one machine, with the real binary and the two commands only: a running
/// single-host archive is copied into PostgreSQL and a bucket while it serves, copied again once stopped (what
/// came in between), and restarted on both. Nothing is lost: generations, their files' bytes, search, share links,
/// the team's token.
@Suite(.timeLimit(.minutes(5))) struct MoveToScaleOutTests {
    @Test func aRunningArchiveMovesToPostgresAndABucketWithTheTwoCommands() async throws {
        let postgres = try await PostgresServer.start()
        let database = try await postgres.database()
        let bucket = try await S3TestServer.start()
        let launched = try await LaunchedService.start(team: "growing")
        defer { Task { await launched.stop() } }
        let (service, client, token) = (launched.service, launched.client, launched.token)
        func generate(_ prompt: String) async throws -> GenerationView {
            let created = try await client.createGeneration(
                GenerationRequest(model: "pixverse-v5-6-text-to-video", input: ["prompt": .string(prompt)]))
            try await eventually { try await client.generation(id: created.id).status == .completed }
            return try await client.generation(id: created.id)
        }
        var generations = [try await generate("a heron over still water"), try await generate("a lighthouse in a storm")]
        let share = try await client.share(id: generations[0].id, expiresInS: 3600)

        // While it serves: the bulk of both copies.
        let store = "s3://\(bucket.bucket)"
        let blobs = try await service.command(["migrate-blobs", "--to", store], extra: bucket.environment)
        #expect(blobs.status == 0 && blobs.output.contains("2 blob(s) copied"), "\(blobs.output)")
        let rows = try await service.command(["migrate-database", "--to", database])
        #expect(rows.status == 0 && rows.output.contains("verified generations: 2 rows"), "\(rows.output)")
        generations.append(try await generate("a heron at dawn"))  // arrives after the copies

        // Stopped: the copies catch up with what came in between, then it starts on PostgreSQL and the bucket.
        await service.stop()
        let lastBlobs = try await service.command(["migrate-blobs", "--to", store], extra: bucket.environment)
        #expect(lastBlobs.status == 0 && lastBlobs.output.contains("1 blob(s) copied"), "\(lastBlobs.output)")
        let lastRows = try await service.command(["migrate-database", "--to", database])
        #expect(lastRows.status == 0 && lastRows.output.contains("verified generations: 3 rows"), "\(lastRows.output)")
        service.environment.merge(bucket.environment) { $1 }
        service.environment["EACHVAULT_DATABASE_URL"] = database
        service.environment["EACHVAULT_BLOB_STORE"] = store
        service.environment["EACHVAULT_S3_SERVE"] = "proxy"
        try await service.start()

        for generation in generations {
            let moved = try await client.generation(id: generation.id)
            #expect(moved.status == .completed && moved.input == generation.input)
            let asset = try #require(moved.assets.first)
            #expect(asset.sha256 == generation.assets.first?.sha256)
            let served = try await CurlTransport().send(
                HTTPRequest(url: asset.url, headers: [("Authorization", "Bearer \(token)")]), maxBodyBytes: 64 << 20)
            #expect(served.status == 200 && SHA256.hash(data: served.body).lowercaseHex == asset.sha256)
        }
        let herons = try await client.search(text: "heron").items.map(\.id)
        #expect(Set(herons) == [generations[0].id, generations[2].id])
        let shared = try await CurlTransport().send(HTTPRequest(url: share.url + "/video"), maxBodyBytes: 64 << 20)
        #expect(shared.status == 200 && SHA256.hash(data: shared.body).lowercaseHex == generations[0].assets.first?.sha256)
        // And it goes on working there.
        let next = try await generate("a heron takes off")
        #expect(try await postgres.psql(database, "SELECT count(*) FROM generations WHERE status = 'completed'") == "4")
        let verified = try await service.command(["verify", "--rehash"])
        #expect(verified.status == 0 && verified.output.contains("4 blob(s) checked"), "\(verified.output)")
        #expect(Set(try await client.search(text: "heron").items.map(\.id)) == [generations[0].id, generations[2].id, next.id])
    }
}
