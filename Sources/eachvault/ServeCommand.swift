import ArgumentParser
import Foundation
import Logging
import VaultRuntime

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the EachVault service (HTTP API and background workers).")

    @OptionGroup var home: HomeOptions
    @Option(help: "host:port to listen on (default $EACHVAULT_LISTEN or 127.0.0.1:8080).")
    var listen: String?
    @Option(help: "The each::labs API base URL (default $EACHLABS_BASE_URL or https://api.eachlabs.ai).")
    var providerURL: String?
    @Option(help: "This service's public URL (default $EACHVAULT_PUBLIC_URL).")
    var publicURL: String?

    func run() async throws {
        var configuration = try home.configuration()
        if let listen { try configuration.setListen(listen) }
        if let providerURL { configuration.providerBaseURL = providerURL }
        if let publicURL { configuration.publicURL = publicURL }
        if configuration.apiKey.isEmpty {
            FileHandle.standardError.write(Data("warning: EACHLABS_API_KEY is not set; the provider will answer 401\n".utf8))
        }
        var logger = Logger(label: "eachvault")
        logger.logLevel = configuration.logLevel
        let (_, server) = try await VaultApp.start(configuration, signals: [.sigterm, .sigint], logger: logger)
        try await server.wait()
    }
}

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the simulator and the service together, archive three videos, search them.")

    @OptionGroup var home: HomeOptions
    @Option(help: "host:port for the service (default $EACHVAULT_LISTEN or 127.0.0.1:8080).")
    var listen: String?
    @Flag(help: "Stop after printing the report instead of serving until Ctrl-C.")
    var exit = false

    func run() async throws {
        var configuration = try home.configuration()
        if let listen { try configuration.setListen(listen) }
        // Written unbuffered: the demo keeps running, and piped output must show up as it happens.
        try await Demo.run(configuration, keepServing: !exit) { FileHandle.standardOutput.write(Data(($0 + "\n").utf8)) }
    }
}
