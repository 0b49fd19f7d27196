import Blobs
import EachLabs
import Foundation
import HTTPSupport
import Hummingbird
import Logging
import ServiceLifecycle
import Storage
import StorePostgres
import Transport
import UnixSignals
import VaultAPI
import Workers

/// Assembles and starts the EachVault service: database, blob store, provider client, workers, HTTP API.
public enum VaultApp {
    public static func start(
        _ configuration: VaultConfiguration, settings: WorkerSettings? = nil, clock: any WallClock = SystemClock(),
        signals: [UnixSignal] = [], logger: Logger = Logger(label: "eachvault")
    ) async throws -> (vault: Vault, server: RunningServer) {
        let settings = settings ?? configuration.workerSettings
        let opened = try await configuration.openStore(logger: logger)
        let vault: Vault
        do {
            vault = try makeVault(configuration, store: opened.store, settings: settings, clock: clock, logger: logger)
        } catch {
            opened.close()
            throw error
        }
        vault.warmUp.expect()  // planner statistics: refreshed while the port is already open
        let router = VaultRouter.make(
            vault: vault, shareMaxLifetime: configuration.shareMaxLifetime,
            metricsToken: configuration.metricsToken, operatorToken: configuration.operatorToken,
            accelRedirect: configuration.accelRedirect
        ) {
            Telemetry.render(
                statusCounts: (try? await vault.store.statusCounts()) ?? [:],
                queues: (try? await vault.store.queueDepths(now: clock.now())) ?? [],
                teams: await Telemetry.teamBudgets.value {
                    Dictionary(try await vault.budgetStatuses().map { ($0.team, $0) }) { first, _ in first }
                })
        }
        let relay: [any Service] = (opened.store as? PostgresArchive).map { [WakeupRelay(archive: $0, vault: vault)] } ?? []
        let services: [any Service] = [StoreClosing(opened: opened)] + relay + vault.services
        let server = try await RunningServer.start(
            router: router, host: configuration.listenHost, port: configuration.listenPort, services: services,
            oneShotServices: [PlannerStatisticsService(vault: vault), CatalogueSyncService(vault: vault)],
            signals: signals, idleTimeout: configuration.idleTimeout, logger: logger)
        logger.info(
            "EachVault listening",
            metadata: [
                "url": "\(server.baseURL)", "home": "\(configuration.home.path)",
                "provider": "\(configuration.providerBaseURL)",
            ])
        return (vault, server)
    }

    /// The archive on `store` without its HTTP server or workers (for `verify` and other offline commands).
    public static func makeVault(
        _ configuration: VaultConfiguration, store: any ArchiveStore, settings: WorkerSettings = WorkerSettings(),
        clock: any WallClock = SystemClock(),
        logger: Logger = Logger(label: "eachvault")
    ) throws -> Vault {
        _ = Telemetry.registry
        try FileManager.default.createDirectory(at: configuration.home, withIntermediateDirectories: true)
        let transport = CurlTransport()
        let blobs = try configuration.openBlobStore(transport: transport)
        let pacing: any ProviderPacing =
            if let shared = store as? PostgresArchive {
                SharedProviderPacing(archive: shared, requestsPerSecond: configuration.providerRequestsPerSecond)
            } else {
                RateGate(requestsPerSecond: configuration.providerRequestsPerSecond)
            }
        let provider = RateLimitedProvider(
            LiveProviderAPI(baseURL: configuration.providerBaseURL, apiKey: configuration.apiKey, transport: transport),
            pacing: pacing)
        return Vault(
            store: store, blobs: blobs, provider: provider, transport: transport, clock: clock,
            settings: settings, publicURL: configuration.publicURL, posterMaker: configuration.posterMaker, logger: logger)
    }
}

/// Refreshes SQLite's planner statistics once at start, in the background: at a million generations this takes
/// from a quarter of a second (warm cache) to seconds (cold), which the port no longer waits for.
struct PlannerStatisticsService: Service {
    let vault: Vault

    func run() async throws {
        defer { vault.warmUp.finish() }
        do {
            try await vault.store.refreshPlannerStatistics()
        } catch {
            vault.logger.warning("planner statistics not refreshed", metadata: ["error": "\(error)"])
        }
    }
}

/// Fills the model cache from the provider once at start (the refresh requests share, so the first ones wait for it
/// instead of reading the catalogue themselves); it then ends (a one-shot service: its ending shuts nothing down).
struct CatalogueSyncService: Service {
    let vault: Vault

    func run() async throws {
        await vault.refreshCatalogue()?.value
        vault.logger.info("model catalogue read at start")
    }
}
