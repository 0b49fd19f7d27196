@testable import Storage
import Blobs
import EachLabs
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
@testable import StoreSQLite
import TestSupport
import Transport
@testable import VaultAPI
@testable import Workers

/// The API's router over an in-memory database and a temp blob store: no server socket, no workers, no provider
/// (its address refuses connections; these routes never reach it).
struct RouterFixture {
    let home: TempDirectory
    let vault: Vault
    let team: Team
    let token: String
    static let metricsToken = "metrics-router-test"

    init() async throws {
        home = try TempDirectory()
        let database = try AppDatabase.inMemory()
        let transport = CurlTransport()
        var settings = WorkerSettings()
        settings.readinessDeadline = .seconds(30)  // a starved test process is not a database that hangs
        vault = Vault(
            store: database, blobs: try BlobStore(home: home.url),
            provider: LiveProviderAPI(baseURL: "http://127.0.0.1:9", apiKey: "unused", transport: transport),
            transport: transport, settings: settings, logger: Logger(label: "router-test"))
        team = try await database.createTeam(name: "team-a", now: Date())
        token = try await database.createToken(teamName: "team-a", label: nil, now: Date()).token
    }

    /// Runs `body` against the whole router.
    func test<Value: Sendable>(_ body: @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
        let router = VaultRouter.make(vault: vault, metricsToken: Self.metricsToken) { "eachvault_up 1\n" }
        return try await Application(router: router).test(.router, body)
    }

    /// The team's bearer token, and a JSON content type when there is a body.
    func headers(json: Bool = false, token: String? = nil) -> HTTPFields {
        var fields: HTTPFields = [.authorization: "Bearer \(token ?? self.token)"]
        if json { fields[.contentType] = "application/json" }
        return fields
    }

    /// A generation of the team, recorded as if it had completed.
    func storedGeneration(prompt: String = "a lighthouse at dusk") async throws -> Generation {
        try await vault.store.insertGeneration(
            Generation(
                id: Secrets.generationID(), teamID: team.id, model: "m", version: "1", input: ["prompt": .string(prompt)],
                tags: [], now: Date()))
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    /// The JSON body as a dictionary (empty when it is not one).
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]) ?? [:] }

    /// `error.code` of an error answer.
    var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
}
