import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// A Hummingbird application and its background services, running in one service group until stopped.
/// Start returns once the listening socket is bound, with the real port (useful with port 0).
public final class RunningServer: Sendable {
    public let host: String
    public let port: Int
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    public var baseURL: String { "http://\(host.contains(":") ? "[\(host)]" : host):\(port)" }

    private init(host: String, port: Int, group: ServiceGroup, task: Task<Void, any Error>) {
        self.host = host
        self.port = port
        self.group = group
        self.task = task
    }

    /// How long a connection may sit without sending a byte (a half-sent request head included) before it is
    /// closed: idle keep-alive connections and slow clients must not pin file descriptors forever. A response the
    /// client stops reading is dropped after as long without progress (`StalledClientHandler`).
    public static let defaultIdleTimeout: Duration = .seconds(30)

    /// - Parameters:
    ///   - services: run as long as the server; one that ends takes the group down.
    ///   - oneShotServices: run once at start (a warm-up); their ending is expected and ends nothing.
    ///   - signals: signals that shut the group down gracefully (none in tests).
    public static func start<Context: RequestContext>(
        router: Router<Context>, host: String, port: Int, services: [any Service] = [],
        oneShotServices: [any Service] = [], signals: [UnixSignal] = [], idleTimeout: Duration = defaultIdleTimeout,
        logger: Logger
    ) async throws -> RunningServer where Context.Source == ApplicationRequestContextSource {
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let idle = TimeAmount.nanoseconds(
            Int64(idleTimeout.components.seconds) * 1_000_000_000
                + idleTimeout.components.attoseconds / 1_000_000_000)
        let app = Application(
            router: router,
            server: .http1(
                configuration: .init(
                    additionalChannelHandlers: [StalledClientHandler(deadline: idle)], idleTimeout: idle)),
            configuration: .init(address: .hostname(host, port: port), serverName: "EachVault"),
            onServerRunning: { channel in
                portSink.yield(channel.localAddress?.port ?? port)
                portSink.finish()
            },
            logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: app)] + services.map { .init(service: $0) }
                    + oneShotServices.map { .init(service: $0, successTerminationBehavior: .ignore) },
                gracefulShutdownSignals: signals, logger: logger))
        let task = Task {
            defer { portSink.finish() }
            try await group.run()
        }
        for await boundPort in ports {
            return RunningServer(host: host, port: boundPort, group: group, task: task)
        }
        try await task.value  // the group ended before binding: surface its error
        throw ServerStartError(message: "the server stopped before it was listening on \(host):\(port)")
    }

    /// Shuts down gracefully and waits until every service has stopped.
    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }

    /// Waits until the group ends (a signal, or a service failing).
    public func wait() async throws {
        try await task.value
    }
}

public struct ServerStartError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
