import Foundation
import TestSupport
import Testing
import VaultAPIClient
import VaultContract

/// Disaster recovery as an operator runs it: the real `eachvault backup` and `restore` commands, a fresh data
/// home restored and served, an existing one refused and left exactly as it was.
@Suite(.timeLimit(.minutes(5))) struct RecoveryCommandTests {
    @Test func aBackupIsRestoredIntoANewHomeByTheCommandAndServedWhileAnExistingHomeIsRefusedUntouched() async throws {
        let launched = try await LaunchedService.start(team: "restorers")
        defer { Task { await launched.stop() } }
        let (service, client) = (launched.service, launched.client)
        var ids: [String] = []
        for prompt in ["a kite over dunes", "a tram in the rain"] {
            ids.append(
                try await client.createGeneration(
                    GenerationRequest(model: "pixverse-v5-6-text-to-video", input: ["prompt": .string(prompt)])
                ).id)
        }
        for id in ids { try await eventually { try await client.generation(id: id).status == .completed } }
        let backup = try TempDirectory()
        let backedUp = try await service.command(["backup", backup.url.path])
        #expect(backedUp.status == 0, "\(backedUp.output)")

        // An existing archive is refused before anything is opened: same files, same bytes.
        let existing = launched.home.url.appending(path: "eachvault.sqlite")
        let before = try Data(contentsOf: existing)
        let listing = try FileManager.default.contentsOfDirectory(atPath: launched.home.url.path).sorted()
        let refused = try await service.command(["restore", backup.url.path])
        #expect(refused.status != 0, "\(refused.output)")
        #expect(try Data(contentsOf: existing) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: launched.home.url.path).sorted() == listing)

        // A fresh home gets the archive, every blob re-hashed, and serves it.
        let fresh = try TempDirectory()
        let target = fresh.url.appending(path: "home")
        let restored = try await service.command(["restore", backup.url.path, "--home", target.path])
        #expect(restored.status == 0 && restored.output.contains("restored 2 generation(s)"), "\(restored.output)")
        let verified = try await service.command(["verify", "--home", target.path])
        #expect(verified.status == 0, "\(verified.output)")
        let again = ServiceProcess(
            home: target, port: try freeLoopbackPort(), providerURL: launched.simulator.baseURL, apiKey: Harness.apiKey)
        try await again.start()
        defer { Task { await again.stop() } }
        let restoredClient = VaultClient(baseURL: again.baseURL, token: launched.token)
        for id in ids {
            let generation = try await restoredClient.generation(id: id)
            #expect(generation.status == .completed && !generation.assets.isEmpty)
        }
    }
}
