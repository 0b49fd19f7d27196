import ArgumentParser
import Foundation
import Simulator
import VaultRuntime

struct SimulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulator", abstract: "Run the bundled each::labs API simulator.")

    @Option(help: "Port to listen on.") var port = 8090
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "The API key clients must send.") var apiKey = "sim-key"
    @Option(help: "Seconds from create to a final status.") var runSeconds = 30.0
    @Option(help: "Size of each output file in bytes (default: the natural size of the clip).")
    var outputBytes: Int64?
    @Option(help: "Seconds between webhook delivery attempts (the provider: about 10).")
    var webhookRetrySeconds = 10.0
    @Option(help: "Faults as JSON, e.g. '{\"webhook_drop\": 0.05, \"rate_limit_next\": 3}' (see docs/cli.md).")
    var faults: String?
    @Option(help: "Every fault at this rate (0...1), for a chaos run.")
    var chaos: Double?

    func run() async throws {
        var armed = SimulatorFaults()
        if let chaos { armed = .everything(at: chaos) }
        if let faults {
            do { armed = try JSONDecoder().decode(SimulatorFaults.self, from: Data(faults.utf8)) } catch {
                throw ValidationError("--faults is not valid faults JSON: \(error)")
            }
        }
        let settings = SimulatorSettings(
            apiKey: apiKey, runTime: .milliseconds(Int64(runSeconds * 1000)), outputBytes: outputBytes,
            webhookRetryInterval: .milliseconds(Int64(webhookRetrySeconds * 1000)), faults: armed)
        let server = try await SimulatorApp.start(
            EachLabsSimulator(settings: settings), host: host, port: port,
            signals: [.sigterm, .sigint])
        print("each::labs simulator on \(server.baseURL) (API key '\(apiKey)')")
        try await server.wait()
    }
}
