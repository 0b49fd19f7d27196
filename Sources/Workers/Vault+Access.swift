import Foundation
import Storage
import Transport
import VaultContract

/// Who is asking: team tokens for the API, sessions for the gallery.
extension Vault {
    /// How long a gallery session lasts.
    public static let sessionLifetime: TimeInterval = 30 * 86400

    /// The team a live API token acts for, with its scopes; nil for an unknown or revoked token.
    public func authenticate(token: String) async throws -> TokenGrant? {
        try await store.authenticate(token: token, now: now())
    }

    /// A new gallery session for a live token; nil when the token is not one.
    public func startSession(token: String) async throws -> String? {
        try await store.createSession(token: token, lifetime: Self.sessionLifetime, now: now())
    }

    /// The team and scopes of a live gallery session (those of the token it was started with).
    public func grant(session: String) async throws -> TokenGrant? {
        try await store.grant(session: session, now: now())
    }

    public func endSession(_ session: String) async throws {
        try await store.endSession(session)
    }

    /// Why files cannot be taken in now (free space where they land below `settings.minFreeBytes`), or nil.
    public func lowDiskSpace() -> StoreUnavailable? {
        guard let free = freeBytes(at: blobs.tempDirectory.path), free < settings.minFreeBytes else { return nil }
        return StoreUnavailable(
            .diskFull, detail: "\(free >> 20) MB free, \(settings.minFreeBytes >> 20) MB wanted (EACHVAULT_MIN_FREE_MB)")
    }

    /// Ready for traffic: warmed up, the database answering, the temp folder writable and the blob store answering.
    public func isReady() async -> Bool { await readiness().isReady }

    /// Each check, and every work queue's rows due now (`GET /readyz`).
    public func readiness() async -> Readiness {
        let deadline = settings.readinessDeadline
        let databaseUp = (try? await withDeadline(deadline) { await store.isReachable() }) ?? false
        let blobsUp = await blobs.isReady()
        let diskLow = lowDiskSpace()
        let checks = [
            "disk": diskLow.map { "low: \($0.detail)" } ?? "ok",
            "database": databaseUp ? "ok" : "unreachable",
            "blob_store": blobsUp ? "ok" : "unreachable",
            "warm_up": warmUp.isComplete ? "ok" : "in progress",
            "provider": (provider as? RateLimitedProvider)?.health.state ?? "unknown",
            "posters": posterMaker == nil
                ? "off: ffmpeg not found (install it, or set EACHVAULT_FFMPEG); the gallery shows placeholders" : "ok",
        ]
        let queues = databaseUp ? (try? await withDeadline(deadline) { try await store.queueDepths(now: now()) }) ?? [] : []
        return Readiness(
            status: databaseUp && blobsUp && warmUp.isComplete && diskLow == nil ? "ready" : "not ready", checks: checks,
            queues: Dictionary(
                queues.map { ($0.name, Readiness.QueueState(due: $0.due, oldestDueS: $0.oldestDueSeconds)) }
            ) { first, _ in first })
    }
}
