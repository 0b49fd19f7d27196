import Foundation
import TestSupport
import Testing
import VaultAPIClient
import VaultContract

/// `eachvault migrate-database`: the real binary copies a running archive into a real PostgreSQL, verified table
/// by table; a second run changes nothing; a deletion in the archive is followed; PostgreSQL's full-text column
/// is filled from the copied prompts.
@Suite(.timeLimit(.minutes(5))) struct DatabaseMigrationCommandTests {
    @Test func aRunningArchiveIsCopiedIntoPostgresAndKeptUpToDate() async throws {
        let server = try await PostgresServer.start()
        let url = try await server.database()
        let launched = try await LaunchedService.start(team: "growers")
        defer { Task { await launched.stop() } }
        let (service, client) = (launched.service, launched.client)
        var ids: [String] = []
        for prompt in ["a heron over still water", "a lighthouse in a storm", "a heron at dawn"] {
            let created = try await client.createGeneration(
                GenerationRequest(model: "pixverse-v5-6-text-to-video", input: ["prompt": .string(prompt)]))
            ids.append(created.id)
        }
        for id in ids { try await eventually { try await client.generation(id: id).status == .completed } }
        _ = try await client.share(id: ids[0], expiresInS: 3600)
        // A collection's link refers to the collection: copied parents first, it arrives after it.
        let reel = try await client.createCollection(CollectionRequest(name: "herons", add: [ids[0], ids[2]]))
        _ = try await client.shareCollection(id: reel.id, expiresInS: 3600)
        _ = try await client.createEndpoint(EndpointRequest(url: "https://hooks.example.com/vault", events: nil))

        let first = try await service.command(["migrate-database", "--to", url])
        #expect(first.status == 0 && first.output.contains("every table verified"), "\(first.output)")
        #expect(!first.output.contains(server.password), "the password is never printed")
        #expect(first.output.contains("verified generations: 3 rows") && first.output.contains("verified shares: 2 rows"))
        #expect(first.output.contains("verified collection_items: 2 rows"), "\(first.output)")
        #expect(try await server.psql(url, "SELECT count(*) FROM generation_outputs WHERE sha256 IS NOT NULL") == "3")
        let herons = try await server.psql(
            url, "SELECT string_agg(id, ',' ORDER BY id) FROM generations WHERE search @@ plainto_tsquery('simple', 'heron')")
        #expect(herons == [ids[0], ids[2]].sorted().joined(separator: ","), "PostgreSQL's search column is filled")

        // (Assets and teams do not change once written; generations may, as a late confirming poll settles them.)
        let versions = "SELECT string_agg(xmin::text, ',' ORDER BY sha256) FROM assets UNION ALL SELECT string_agg(xmin::text, ',') FROM teams"
        let before = try await server.psql(url, versions)
        let again = try await service.command(["migrate-database"], extra: ["EACHVAULT_DATABASE_URL": url])
        #expect(again.status == 0 && again.output.contains("every table verified") && !again.output.contains("removed"))
        #expect(try await server.psql(url, versions) == before, "rows that did not change are not rewritten")

        try await client.deleteGeneration(id: ids[1])
        let third = try await service.command(["migrate-database", "--to", url])
        #expect(third.status == 0 && third.output.contains("verified generations: 2 rows, digest"), "\(third.output)")
        #expect(third.output.contains("removed"))
        #expect(try await server.psql(url, "SELECT count(*) FROM generations WHERE id = '\(ids[1])'") == "0")
        // New rows continue after the copied ones.
        let next = try await server.psql(url, "SELECT nextval(pg_get_serial_sequence('generations', 'seq'))")
        let highest = try await server.psql(url, "SELECT max(seq) FROM generations")
        #expect((Int(next) ?? 0) > (Int(highest) ?? .max))

        // Another archive (a new, empty one) is not copied over this one: its sync would empty it.
        let other = try TempDirectory()
        let wrongArchive = try await service.command(["migrate-database", "--home", other.url.path, "--to", url])
        #expect(wrongArchive.status != 0 && wrongArchive.output.isEmpty == false, "\(wrongArchive.output)")
        #expect(try await server.psql(url, "SELECT count(*) FROM generations") == "2", "nothing was removed")

        let refused = try await service.command(["migrate-database", "--to", "postgres://vault:wrong@127.0.0.1:\(server.port)/nothere"])
        #expect(refused.status != 0 && !refused.output.contains("wrong"))

        // Instances served from PostgreSQL since (a note written there): a copy would overwrite it, so it is refused
        // until forced, and nothing is touched meanwhile.
        _ = try await server.psql(url, "UPDATE generations SET note = 'written by an instance' WHERE id = '\(ids[0])'")
        let stale = try await service.command(["migrate-database", "--to", url])
        #expect(stale.status != 0, "\(stale.output)")
        #expect(try await server.psql(url, "SELECT note FROM generations WHERE id = '\(ids[0])'") == "written by an instance")
        let forced = try await service.command(["migrate-database", "--to", url, "--force"])
        #expect(forced.status == 0 && forced.output.contains("every table verified"), "\(forced.output)")
        #expect(try await server.psql(url, "SELECT coalesce(note, '') FROM generations WHERE id = '\(ids[0])'") == "")
    }
}
