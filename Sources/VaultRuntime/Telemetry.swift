import Foundation
import Metrics
import Prometheus
import Storage
import Synchronization
import VaultContract
import VaultDomain

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
    /// Also every work queue's rows due and the oldest one's wait, and each team's month's spend, storage and limits.
    public static func render(
        statusCounts: [GenerationStatus: Int], queues: [QueueDepth] = [], teams: [String: TeamBudgetStatus] = [:]
    ) -> String {
        for status in GenerationStatus.allCases {
            Gauge(label: "eachvault_generations", dimensions: [("status", status.rawValue)])
                .record(statusCounts[status] ?? 0)
        }
        for queue in queues {
            Gauge(label: "eachvault_queue_due", dimensions: [("queue", queue.name)]).record(queue.due)
            Gauge(label: "eachvault_queue_oldest_due_seconds", dimensions: [("queue", queue.name)])
                .record(queue.oldestDueSeconds)
        }
        for (team, status) in teams {
            Gauge(label: "eachvault_storage_bytes", dimensions: [("team", team)]).record(status.storageBytes)
            Gauge(label: "eachvault_team_spend_usd", dimensions: [("team", team)]).record(status.spentUSD)
            if let budget = status.budgetUSD {
                Gauge(label: "eachvault_team_budget_usd", dimensions: [("team", team)]).record(budget)
            }
            if let limit = status.storageLimitBytes {
                Gauge(label: "eachvault_team_storage_limit_bytes", dimensions: [("team", team)]).record(limit)
            }
        }
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}

extension Telemetry {
    /// Each team's spend and storage (a count over its generations and files): read at most once a minute, whatever
    /// the scrape interval.
    static let teamBudgets = Recomputed<[String: TeamBudgetStatus]>(every: 60)
}

/// A value recomputed when older than `every` seconds; the last good one stays when recomputing fails.
final class Recomputed<Value: Sendable>: Sendable {
    private let interval: TimeInterval
    private let state = Mutex<(value: Value?, at: Date)>((nil, .distantPast))

    init(every interval: TimeInterval) { self.interval = interval }

    func value(_ compute: () async throws -> Value) async -> Value where Value: ExpressibleByDictionaryLiteral {
        let (cached, at) = state.withLock { ($0.value, $0.at) }
        if let cached, Date().timeIntervalSince(at) < interval { return cached }
        guard let fresh = try? await compute() else { return cached ?? [:] }
        state.withLock { $0 = (fresh, Date()) }
        return fresh
    }
}
