import ArgumentParser
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

    func run() async throws {
        let settings = SimulatorSettings(apiKey: apiKey, runTime: .milliseconds(Int64(runSeconds * 1000)),
                                         outputBytes: outputBytes)
        let server = try await SimulatorApp.start(EachLabsSimulator(settings: settings), host: host, port: port,
                                                  signals: [.sigterm, .sigint])
        print("each::labs simulator on \(server.baseURL) (API key '\(apiKey)')")
        try await server.wait()
    }
}
