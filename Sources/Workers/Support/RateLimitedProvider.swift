import EachLabs
import Foundation
import Metrics
import Synchronization

/// Wraps a `ProviderAPI` so every call passes one global gate: a steady rate toward the provider, and a pause for
/// everyone when the provider answers 429 with `Retry-After`. Counts calls and errors for `/metrics`.
public struct RateLimitedProvider: ProviderAPI {
    private let base: any ProviderAPI
    private let gate: any ProviderPacing
    /// What the latest call found: for `/readyz`, without a call of its own.
    public let health = ProviderHealth()

    public init(_ base: any ProviderAPI, requestsPerSecond: Double) {
        self.init(base, pacing: RateGate(requestsPerSecond: requestsPerSecond))
    }

    /// Paced by `pacing` (a gate several instances share, for one).
    public init(_ base: any ProviderAPI, pacing: any ProviderPacing) {
        self.base = base
        self.gate = pacing
    }

    public func listModels(name: String?, limit: Int, offset: Int) async throws(ProviderError) -> [ProviderModel] {
        try await gated("list_models") { () async throws(ProviderError) in
            try await base.listModels(name: name, limit: limit, offset: offset)
        }
    }

    public func model(slug: String) async throws(ProviderError) -> ProviderModel {
        try await gated("get_model") { () async throws(ProviderError) in try await base.model(slug: slug) }
    }

    public func createPrediction(_ request: CreatePrediction) async throws(ProviderError) -> String {
        try await gated("create_prediction") { () async throws(ProviderError) in
            try await base.createPrediction(request)
        }
    }

    public func prediction(id: String) async throws(ProviderError) -> Prediction {
        try await gated("get_prediction") { () async throws(ProviderError) in try await base.prediction(id: id) }
    }

    public func cancelPrediction(_ prediction: Prediction) async throws(ProviderError) -> Prediction? {
        try await gated("cancel_prediction") { () async throws(ProviderError) in
            try await base.cancelPrediction(prediction)
        }
    }

    public func webhookLog(limit: Int, offset: Int) async throws(ProviderError) -> [WebhookLogEntry] {
        try await gated("webhook_log") { () async throws(ProviderError) in
            try await base.webhookLog(limit: limit, offset: offset)
        }
    }

    public func presignUpload(_ request: PresignRequest) async throws(ProviderError) -> PresignedUpload {
        try await gated("presign_upload") { () async throws(ProviderError) in try await base.presignUpload(request) }
    }

    public func upload(_ upload: PresignedUpload, contentType: String, fileAt file: URL) async throws(ProviderError) {
        try await gated("upload") { () async throws(ProviderError) in
            try await base.upload(upload, contentType: contentType, fileAt: file)
        }
    }

    private func gated<T>(_ operation: String, _ call: () async throws(ProviderError) -> T) async throws(ProviderError)
        -> T
    {
        await gate.enter()
        do {
            let value = try await call()
            health.record(nil)
            Counter(label: "eachvault_provider_calls_total", dimensions: [("operation", operation), ("outcome", "ok")])
                .increment()
            return value
        } catch {
            health.record(error)
            Counter(
                label: "eachvault_provider_calls_total",
                dimensions: [("operation", operation), ("outcome", error.code)]
            ).increment()
            if case .rateLimited(let retryAfter) = error { await gate.pause(for: retryAfter ?? .seconds(5)) }
            throw error
        }
    }
}

/// What paces the calls to the provider: slots spaced by the rate, and a pause for every caller after a 429.
public protocol ProviderPacing: Sendable {
    /// Returns when the caller's slot has come.
    func enter() async
    /// Holds every caller for `duration`.
    func pause(for duration: Duration) async
}

/// Spaces one process's calls at least `interval` apart and holds them all during a pause.
public actor RateGate: ProviderPacing {
    private let interval: Duration
    private var nextSlot = ContinuousClock.now

    public init(requestsPerSecond: Double) {
        self.interval = .seconds(1 / max(requestsPerSecond, 0.001))
    }

    public func enter() async {
        let now = ContinuousClock.now
        let slot = max(nextSlot, now)
        nextSlot = slot + interval
        if slot > now { try? await Task.sleep(until: slot, clock: .continuous) }
    }

    public func pause(for duration: Duration) {
        nextSlot = max(nextSlot, ContinuousClock.now + duration)
    }
}

/// Whether the provider answered lately, from the calls the workers make anyway.
public final class ProviderHealth: Sendable {
    /// `reachable` (it answered, whatever it said), `unreachable` (no answer, or a 5xx), `key rejected` (401), or
    /// `unknown` before the first call.
    public var state: String { latest.withLock { $0 } }

    private let latest = Mutex("unknown")

    func record(_ error: ProviderError?) {
        let state =
            switch error {
            case nil, .notFound, .badRequest, .rateLimited, .malformedResponse: "reachable"
            case .unauthorized: "key rejected"
            case .server, .transport: "unreachable"
            }
        latest.withLock { $0 = state }
    }
}
