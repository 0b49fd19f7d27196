import Archive
import Metrics
import Prometheus
import VaultContract

/// The process's metrics: swift-metrics bootstrapped once with a Prometheus registry.
public enum Telemetry {
    /// Bootstraps the metrics system on first use (the metrics system accepts one bootstrap per process).
    public static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()

    /// The Prometheus text exposition of every metric, with the archive's generations by status read at scrape
    /// time (a gauge that is always exact, whatever process changed the rows).
    public static func render(statusCounts: [GenerationStatus: Int]) -> String {
        for status in GenerationStatus.allCases {
            Gauge(label: "eachvault_generations", dimensions: [("status", status.rawValue)])
                .record(statusCounts[status] ?? 0)
        }
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}
