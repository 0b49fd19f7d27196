import ArgumentParser
import Foundation
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
}

/// Which running EachVault a client command talks to.
struct ServerOptions: ParsableArguments {
    @Option(help: "EachVault's URL (default $EACHVAULT_URL or http://127.0.0.1:8080).")
    var server: String?

    var client: VaultClient {
        VaultClient(baseURL: server ?? ProcessInfo.processInfo.environment["EACHVAULT_URL"] ?? "http://127.0.0.1:8080")
    }
}

/// Prints JSON for `--json` output.
func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
