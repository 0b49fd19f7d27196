import Blobs
import Foundation
import Logging
import Simulator
import Storage
import StoreSQLite
import TestSupport
import Testing
import VaultAPIClient
import VaultRuntime

/// Every fault at a few percent, the service killed with SIGKILL twice mid-run: nothing paid for is lost, nothing
/// is paid for twice. `EACHVAULT_CHAOS_GENERATIONS` sets the size (default 200).
@Suite struct ChaosTests {
    static let generations = Int(ProcessInfo.processInfo.environment["EACHVAULT_CHAOS_GENERATIONS"] ?? "") ?? 200

    @Test(.timeLimit(.minutes(10)))
    func twoHundredGenerationsSurviveFaultsAndTwoKills() async throws {
        let home = try TempDirectory()
        var faults = SimulatorFaults.everything(at: 0.03)
        faults.rateLimit = 0.02
        let simulator = EachLabsSimulator(
            settings: SimulatorSettings(
                apiKey: Harness.apiKey, runTime: .seconds(1), webhookRetryInterval: .milliseconds(300), faults: faults))
        let simulatorServer = try await SimulatorApp.start(simulator, logger: Logger.quiet)
        let service = ServiceProcess(
            home: home.url, port: try freeLoopbackPort(), providerURL: simulatorServer.baseURL,
            apiKey: Harness.apiKey)
        let database = try AppDatabase(path: home.url.appending(path: "eachvault.sqlite").path)
        _ = try await database.createTeam(name: "chaos", now: Date())
        let token = try await database.createToken(teamName: "chaos", label: nil, now: Date()).token
        try await service.start()
        let client = VaultClient(baseURL: service.baseURL, token: token)

        // Eight clients submit at once while the service is killed twice, so creates, webhooks, polls and
        // downloads are all in flight at each kill.
        let requests = try ChaosRun.requests(Self.generations, simulatorURL: simulatorServer.baseURL)
        let progress = try await ChaosRun.submit(requests, clients: { _ in client }) { progress in
            for fraction in [1, 2] {
                await progress.waitUntil(submitted: fraction * Self.generations / 3)
                await service.kill()
                try await service.start()
            }
        }
        let (accepted, interrupted) = await progress.counts
        #expect(accepted + interrupted == Self.generations)
        // Only a kill interrupts a request (those in flight, and those that reach the dying process's backlog);
        // anything refusing the load would shrink the run unseen.
        let (refusals, errors) = (await progress.refusals, await progress.errors)
        #expect(refusals.isEmpty && interrupted < Self.generations / 4, "\(refusals) \(errors)")
        try await ChaosRun.settle(database)
        await service.stop()
        await simulatorServer.stop()

        let blobs = try BlobStore(home: home.url)
        try await ChaosRun.audit(
            database, blobs: blobs, truth: await simulator.truth(), submitted: Self.generations, accepted: accepted)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: blobs.tempDirectory.path)
            .filter { $0.hasSuffix(".part") }
        #expect(leftovers.isEmpty, "\(leftovers)")
        await #expect(try database.integrityCheck())
    }
}
