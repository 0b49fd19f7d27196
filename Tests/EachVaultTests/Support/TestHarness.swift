import EachLabs
import Foundation
import HTTPSupport
import HTTPTypes
import Logging
import Simulator
import Storage
import StoreSQLite
import Synchronization
import TestSupport
import Testing
import Transport
@testable import VaultAPI
import VaultAPIClient
import VaultRuntime
import Workers

/// The real simulator and the real service on ephemeral loopback ports, with a private data home.
final class Harness: @unchecked Sendable {
    static let apiKey = "sk-test-NEVER-LOG-ME-7f3a"
    static let metricsToken = "metrics-test-token"

    let home: TempDirectory
    let simulator: EachLabsSimulator
    let simulatorServer: RunningServer
    private(set) var vault: Vault
    private(set) var server: RunningServer
    private(set) var client: VaultClient
    /// The team the harness's client acts for, and its token.
    private(set) var team: Team!
    private(set) var token = ""
    let settings: WorkerSettings
    let configuration: VaultConfiguration
    /// The service's wall clock; tests move it forward to expire things without waiting.
    let clock = AdjustableClock()
    /// The PostgreSQL cluster of a harness on that backend (stopped with the harness).
    private let postgres: PostgresServer?

    /// Silent unless `EACHVAULT_TEST_LOG` names a level (`info`, `debug`, …) to see the services' logs of a test.
    static var testSettings: WorkerSettings {
        var settings = WorkerSettings()
        settings.firstPollDelay = .milliseconds(100)
        settings.pollInterval = Backoff(base: .milliseconds(100), factor: 1.5, cap: .milliseconds(400))
        settings.providerRetry = Backoff(base: .milliseconds(50), factor: 2, cap: .milliseconds(800))
        settings.downloadRetry = Backoff(base: .milliseconds(50), factor: 2, cap: .milliseconds(400))
        settings.idleCheck = .seconds(2)
        // A starved test process (the whole suite beside `stress-ng`) is not a database that hangs.
        settings.readinessDeadline = .seconds(30)
        settings.interruptedCreateCheck = .milliseconds(200)
        settings.assumedRunTime = .seconds(2)
        settings.webhookGrace = .seconds(1)
        settings.reconcileInterval = Backoff(base: .milliseconds(300), factor: 1.5, cap: .seconds(1))
        settings.reconcileWindow = .seconds(20)
        settings.inputsFromPublicAddressesOnly = false  // the sample images come from the simulator, on loopback
        settings.outgoingRetries = [.milliseconds(200), .milliseconds(300), .milliseconds(400)]
        settings.unrecordedCooldown = Backoff(base: .milliseconds(200), factor: 2, cap: .seconds(2))
        settings.unrecordedPause = Backoff(base: .milliseconds(200), factor: 2, cap: .seconds(2))
        return settings
    }

    /// Settings that make posters with Debian's ffmpeg (`make test-deps` installs it).
    static let makingPosters: @Sendable (inout VaultConfiguration) -> Void = {
        $0.posterMaker = PosterMaker.find(environment: ProcessInfo.processInfo.environment)
    }

    static var simulatorSettings: SimulatorSettings {
        SimulatorSettings(apiKey: Harness.apiKey, runTime: .milliseconds(600), webhookRetryInterval: .milliseconds(200))
    }

    /// - Parameter webhooks: give the service a public URL, so predictions are created with webhooks.
    init(
        simulator settings: SimulatorSettings = Harness.simulatorSettings, apiKey: String = Harness.apiKey,
        workers: WorkerSettings = Harness.testSettings, webhooks: Bool = false, backend: StoreBackend = .sqlite,
        postgresServer: PostgresServer? = nil, configure: (inout VaultConfiguration) -> Void = { _ in }
    ) async throws {
        home = try TempDirectory()
        // A test that stops its server brings its own; the others share the process's cluster.
        if let postgresServer {
            postgres = postgresServer
        } else {
            postgres = backend == .postgres ? try await PostgresServer.shared() : nil
        }
        simulator = EachLabsSimulator(settings: settings)
        simulatorServer = try await SimulatorApp.start(simulator, logger: Logger.quiet)
        // Webhook URLs must stay valid across restarts: a fixed port, chosen free now.
        let port = webhooks ? try freeLoopbackPort() : 0
        var configuration = VaultConfiguration(
            apiKey: apiKey, providerBaseURL: simulatorServer.baseURL, home: home.url,
            listenHost: "127.0.0.1", listenPort: port,
            publicURL: webhooks ? "http://127.0.0.1:\(port)" : nil,
            providerRequestsPerSecond: 200)
        configuration.metricsToken = Self.metricsToken
        if let postgres { configuration.databaseURL = try await postgres.database() }
        configuration.idleTimeout = .seconds(3)
        // Posters are made only where a test asks (`Harness.makingPosters`): the other tests count the files stored.
        configuration.posterMaker = nil
        configure(&configuration)
        self.configuration = configuration
        self.settings = workers
        (vault, server) = try await VaultApp.start(
            configuration, settings: workers, clock: clock,
            logger: Logger.quiet)
        team = try await vault.store.createTeam(name: "team-a", now: Date())
        token = try await vault.store.createToken(teamName: "team-a", label: "tests", now: Date()).token
        client = Self.client(server.baseURL, token: token)
    }

    /// A client of the harness's service. Its requests may take two minutes: a starved test process (the whole
    /// suite beside stress-ng) is not a service that hangs, and the tests assert answers, not their times.
    static func client(_ baseURL: String, token: String) -> VaultClient {
        VaultClient(baseURL: baseURL, token: token, requestTimeout: .seconds(120))
    }

    /// The embedded archive's SQLite database, for what only it has (online backups, integrity checks).
    var sqlite: AppDatabase {
        get throws { try #require(vault.store as? AppDatabase) }
    }

    /// Another team with its own token and client.
    func makeTeam(_ name: String) async throws -> (team: Team, token: String, client: VaultClient) {
        let team = try await vault.store.createTeam(name: name, now: Date())
        let token = try await vault.store.createToken(teamName: name, label: nil, now: Date()).token
        return (team, token, Self.client(server.baseURL, token: token))
    }

    /// A new token of `team` holding `scopes`, and a client using it.
    func makeClient(team: String, scopes: Set<TokenScope>) async throws -> (token: String, client: VaultClient) {
        let token = try await vault.store.createToken(teamName: team, label: nil, scopes: scopes, now: Date()).token
        return (token, Self.client(server.baseURL, token: token))
    }

    /// Stops the service (not the simulator) and starts it again on the same data home.
    func restartService() async throws {
        await server.stop()
        (vault, server) = try await VaultApp.start(
            configuration, settings: settings, clock: clock,
            logger: Logger.quiet)
        client = Self.client(server.baseURL, token: token)
    }

    func shutdown() async {
        await server.stop()
        await simulatorServer.stop()
    }

    /// Waits (without fixed sleeps: it re-reads state as it changes) until every generation is final.
    /// Waits until the provider has accepted (or refused) each generation's create: creates leave from the
    /// submission worker, after the API's answer.
    func waitUntilSubmitted(_ ids: [String]) async throws {
        try await eventually {
            for id in ids where try await vault.store.generation(id: id).map({ $0.status == .pending }) ?? true {
                return false
            }
            return true
        }
    }

    /// Whether any of the generations still waits for a confirming read.
    func confirmPending(_ ids: [String]) async throws -> Bool {
        for id in ids where try await vault.store.generation(id: id)?.confirmPending == true { return true }
        return false
    }

    func waitUntilFinal(_ ids: [String], timeout: Duration = .seconds(60)) async throws -> [Generation] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let generations = try await ids.asyncMap { id -> Generation in try #require(try await vault.store.generation(id: id)) }
            if generations.allSatisfy(\.status.isFinal) { return generations }
            guard ContinuousClock.now < deadline else {
                Issue.record("timed out: \(generations.filter { !$0.status.isFinal }.map { "\($0.id) \($0.status)" })")
                return generations
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Each unfinished generation's status and history, for a failure's message.
    func histories(of generations: [Generation]) async -> String {
        var lines: [String] = []
        for generation in generations where generation.status != .completed {
            let events = (try? await vault.store.generationDetail(id: generation.id))?.events ?? []
            lines.append(
                "\(generation.id) \(generation.status): "
                    + events.map { "\($0.kind) \($0.detail ?? "")" }.joined(separator: " | "))
        }
        return lines.joined(separator: "\n")
    }

    /// A raw HTTP call to the service, for status codes and bodies the typed client hides.
    /// Sends the harness team's token unless `token` says otherwise (nil: none at all).
    func raw(
        _ method: String, _ path: String, body: String? = nil, headers: [(name: String, value: String)] = [],
        token: String?? = .none
    ) async throws -> (status: Int, body: String, headers: HTTPFields) {
        let bearer: String? =
            switch token {
            case .none: self.token
            case .some(let explicit): explicit
            }
        let authorization = bearer.map { [("Authorization", "Bearer \($0)")] } ?? []
        let declaresType = headers.contains { $0.name.lowercased() == "content-type" }
        let response = try await CurlTransport().send(
            Transport.HTTPRequest(
                method: method, url: server.baseURL + path,
                headers: headers + authorization + (declaresType ? [] : [("Content-Type", "application/json")]),
                body: body.map { Data($0.utf8) }, timeout: .seconds(120)))  // as the harness's client
        return (response.status, String(decoding: response.body, as: UTF8.self), response.headers)
    }

    /// Signs in to the gallery through its form, as a browser does: fetch the form (its token and cookie), post
    /// it. Returns the session cookie header and the session's form token.
    func signIn(token: String? = nil) async throws -> (cookie: (name: String, value: String), formToken: String) {
        let form = try await raw("GET", "/login", token: .some(nil))
        let signInCookie = try #require(form.headers["Set-Cookie"]).prefix { $0 != ";" }
        let formToken = try #require(form.body.firstMatch(of: #/name="csrf" value="([0-9a-f]+)"/#)?.1)
        let signedIn = try await raw(
            "POST", "/login", body: "csrf=\(formToken)&token=\(token ?? self.token)",
            headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Cookie", String(signInCookie))],
            token: .some(nil))
        let session = try #require(signedIn.headers["Set-Cookie"]).prefix { $0 != ";" }
        let value = String(try #require(session.split(separator: "=", maxSplits: 1).last))
        return (("Cookie", String(session)), GallerySession.formToken(for: value))
    }
}

/// Runs `body` against a fresh harness and always tears it down, whether the body returns, throws or a
/// `#require` fails: no test leaves a service or simulator running behind it.
func withHarness(
    simulator: SimulatorSettings = Harness.simulatorSettings, apiKey: String = Harness.apiKey,
    workers: WorkerSettings = Harness.testSettings, webhooks: Bool = false, backend: StoreBackend = .sqlite,
    postgresServer: PostgresServer? = nil, configure: (inout VaultConfiguration) -> Void = { _ in },
    _ body: (Harness) async throws -> Void
) async throws {
    let harness = try await Harness(
        simulator: simulator, apiKey: apiKey, workers: workers, webhooks: webhooks, backend: backend,
        postgresServer: postgresServer, configure: configure)
    do {
        try await body(harness)
    } catch {
        await harness.shutdown()
        throw error
    }
    await harness.shutdown()
}
