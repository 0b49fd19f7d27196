import HTTPSupport
import Hummingbird
import Logging
import Simulator
import UnixSignals

/// Starts the bundled each::labs simulator as an HTTP server.
public enum SimulatorApp {
    public static func start(
        _ simulator: EachLabsSimulator, host: String = "127.0.0.1", port: Int = 0, signals: [UnixSignal] = [],
        logger: Logger = Logger(label: "eachlabs-simulator")
    ) async throws -> RunningServer {
        try await RunningServer.start(
            router: simulator.makeRouter(), host: host, port: port, signals: signals,
            logger: logger)
    }
}
