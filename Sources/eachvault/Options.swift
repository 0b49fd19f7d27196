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

/// Which running EachVault a client command talks to, and as which team.
struct ServerOptions: ParsableArguments {
    @Option(help: "EachVault's URL (default $EACHVAULT_URL or http://127.0.0.1:8080).")
    var server: String?
    @Option(help: "A team token (default $EACHVAULT_TOKEN); prefer the variable: flags show in process lists.")
    var token: String?

    var client: VaultClient {
        let environment = ProcessInfo.processInfo.environment
        return VaultClient(
            baseURL: server ?? environment["EACHVAULT_URL"] ?? "http://127.0.0.1:8080",
            token: token ?? environment["EACHVAULT_TOKEN"])
    }
}

/// Prints JSON for `--json` output.
func printJSON(_ value: some Encodable) throws {
    let encoder = ContractJSON.encoder()
    encoder.outputFormatting.insert(.prettyPrinted)
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
