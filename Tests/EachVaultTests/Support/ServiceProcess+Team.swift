import Foundation
import HTTPSupport
import Logging
import Simulator
import Storage
import StoreSQLite
import TestSupport
import VaultAPIClient
import VaultRuntime

/// The real binary serving one team beside a simulator in this process: where the tests that kill or restart the
/// service, or run its commands, start from.
struct LaunchedService {
    let home: TempDirectory
    let simulator: RunningServer
    let service: ServiceProcess
    let token: String
    let client: VaultClient

    static func start(team: String) async throws -> LaunchedService {
        let home = try TempDirectory()
        let simulator = try await SimulatorApp.start(
            EachLabsSimulator(settings: Harness.simulatorSettings), logger: Logger.quiet)
        let service = ServiceProcess(
            home: home.url, port: try freeLoopbackPort(), providerURL: simulator.baseURL, apiKey: Harness.apiKey)
        let database = try AppDatabase(path: home.url.appending(path: "eachvault.sqlite").path)
        _ = try await database.createTeam(name: team, now: Date())
        let token = try await database.createToken(teamName: team, label: nil, now: Date()).token
        try await service.start()
        return LaunchedService(
            home: home, simulator: simulator, service: service, token: token,
            client: VaultClient(baseURL: service.baseURL, token: token))
    }

    func stop() async {
        await service.stop()
        await simulator.stop()
    }
}
