import ArgumentParser
import Foundation
import Logging
import Storage
import VaultAPIClient
import VaultContract
import VaultDomain
import VaultRuntime

/// Where the service keeps its data, overriding `EACHVAULT_HOME`.
struct HomeOptions: ParsableArguments {
    @Option(help: "Data home: database, blobs, temp files (default $EACHVAULT_HOME or ./storage).")
    var home: String?

    func configuration() throws -> VaultConfiguration {
        var configuration = try VaultConfiguration.fromEnvironment()
        if let home { configuration.home = URL(fileURLWithPath: home) }
        return configuration
    }

    /// Runs `body` on the configured store (PostgreSQL when `EACHVAULT_DATABASE_URL` names one, else the data home's
    /// SQLite file), closed after.
    func withStore<T>(_ body: (any ArchiveStore, VaultConfiguration) async throws -> T) async throws -> T {
        let configuration = try configuration()
        var logger = Logger(label: "eachvault")
        logger.logLevel = .warning
        let opened = try await configuration.openStore(logger: logger)
        defer { opened.close() }
        return try await body(opened.store, configuration)
    }
}

/// Which running EachVault a client command talks to, and as which team: `--server` and `--token`, else
/// `EACHVAULT_URL` and `EACHVAULT_TOKEN`, else the login `eachvault login` kept for the server, else
/// http://127.0.0.1:8080 without a token.
struct ServerOptions: ParsableArguments {
    @Option(help: "EachVault's URL (default $EACHVAULT_URL, else the server of `eachvault login`, else http://127.0.0.1:8080).")
    var server: String?
    @Option(help: "A team token (default $EACHVAULT_TOKEN, else the login's); prefer those: flags show in process lists.")
    var token: String?

    /// The server and token to use, and where the token came from.
    func resolved() throws -> (server: String, token: String?, tokenSource: String) {
        let environment = ProcessInfo.processInfo.environment
        let config = try ClientConfig.load(from: ClientConfig.defaultLocation())
        let server = Self.normalised(
            server ?? environment["EACHVAULT_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? config.current
                ?? "http://127.0.0.1:8080")
        if let token { return (server, token, "--token") }
        if let token = environment["EACHVAULT_TOKEN"], !token.isEmpty { return (server, token, "EACHVAULT_TOKEN") }
        if let login = config.servers[server] {
            return (server, login.token, "the login in \(ClientConfig.defaultLocation().path)")
        }
        return (server, nil, "none")
    }

    var client: VaultClient {
        get throws {
            let (server, token, _) = try resolved()
            return VaultClient(baseURL: server, token: token, requestTimeout: Self.requestTimeout)
        }
    }

    /// Does `action` to each id in turn, saying `"ID <done>"` after each.
    func each(_ ids: [String], done: String, _ action: (VaultClient, String) async throws -> Void) async throws {
        let client = try client
        for id in ids {
            try await action(client, id)
            print("\(id) \(done)")
        }
    }

    /// How long a request may take, answer included: `EACHVAULT_TIMEOUT` seconds (default 30).
    static var requestTimeout: Duration {
        let seconds = ProcessInfo.processInfo.environment["EACHVAULT_TIMEOUT"].flatMap(Int.init) ?? 30
        return .seconds(min(max(seconds, 1), 3600))
    }

    /// A URL as logins are keyed: no trailing slash.
    static func normalised(_ url: String) -> String {
        url.hasSuffix("/") ? String(url.dropLast()) : url
    }
}

/// Prints JSON for `--json` output.
func printJSON(_ value: some Encodable) throws {
    let encoder = ContractJSON.encoder()
    encoder.outputFormatting.insert(.prettyPrinted)
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
