import EachLabs
import Foundation
import GRDB

/// How a webhook delivery was authenticated.
public enum WebhookScheme: String, Sendable {
    case signature
    case legacySecret = "legacy-secret"
    case none
}

/// A delivery as received, checked but not yet applied.
public struct ReceivedWebhook: Sendable {
    public var generationID: String
    public var scheme: WebhookScheme
    public var timestampHeader: String?
    public var body: Data
    /// Why the delivery is refused; nil when its authentication held.
    public var rejection: WebhookRejection?
    /// The parsed body (only for an authenticated delivery).
    public var payload: WebhookPayload?

    public init(generationID: String, scheme: WebhookScheme, timestampHeader: String?, body: Data,
                rejection: WebhookRejection?, payload: WebhookPayload?) {
        self.generationID = generationID
        self.scheme = scheme
        self.timestampHeader = timestampHeader
        self.body = body
        self.rejection = rejection
        self.payload = payload
    }
}

/// What a delivery did.
public enum WebhookEffect: Sendable, Equatable {
    /// The signed outcome was applied (downloads start, or the generation failed).
    case applied
    /// The generation had already moved past what the delivery says: nothing changed.
    case duplicate
    /// Authenticated by the legacy secret only: the outcome is confirmed with the provider before use.
    case confirmRequested
    case rejected(WebhookRejection)
}

extension AppDatabase {
    /// Stores the delivery and applies it in one transaction, committed before the sender gets its answer.
    public func recordWebhook(_ delivery: ReceivedWebhook, now: Date) throws -> WebhookEffect {
        try writer.write { db in
            guard var generation = try Generation.fetchOne(db, key: ["id": delivery.generationID]) else {
                return .rejected(.predictionMismatch)
            }
            var effect: WebhookEffect
            if let rejection = delivery.rejection {
                effect = .rejected(rejection)
            } else if let payload = delivery.payload {
                effect = try Self.apply(db, &generation, payload, scheme: delivery.scheme, at: now)
            } else {
                effect = .rejected(.malformedSignature)
            }
            let (verdict, reason): (String, String?) = switch effect {
            case .applied: ("applied", nil)
            case .duplicate: ("duplicate", nil)
            case .confirmRequested: ("confirm", "legacy secret only: confirming with the provider")
            case .rejected(let why): ("rejected", why.rawValue)
            }
            try db.execute(
                sql: """
                    INSERT INTO webhook_deliveries
                        (generation_id, received_at, verdict, reason, scheme, webhook_timestamp, exec_id, body)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [generation.id, now.unix, verdict, reason, delivery.scheme.rawValue,
                            delivery.timestampHeader, delivery.payload?.execID, delivery.body])
            let detail = [delivery.scheme.rawValue, verdict, reason].compactMap { $0 }.joined(separator: ", ")
            try Self.appendEvent(db, generation.id, effect == .duplicate ? "webhook_duplicate"
                                 : verdict == "rejected" ? "webhook_rejected" : "webhook_received", detail, at: now)
            return effect
        }
    }

    private static func apply(_ db: Database, _ generation: inout Generation, _ payload: WebhookPayload,
                              scheme: WebhookScheme, at now: Date) throws -> WebhookEffect {
        if let predictionID = generation.predictionID {
            guard predictionID == payload.execID else { return .rejected(.predictionMismatch) }
        } else {
            // The create's answer never arrived, but the provider is telling us the prediction id: adopt it.
            guard try adopt(db, &generation, predictionID: payload.execID, how: "its webhook", at: now) else {
                return .duplicate
            }
        }
        guard generation.status == .submitted || generation.status == .processing else { return .duplicate }
        if scheme == .legacySecret {
            try db.execute(sql: "UPDATE generations SET next_action_at = ?, updated_at = ? WHERE id = ?",
                           arguments: [now.unix, now.unix, generation.id])
            return .confirmRequested
        }
        let outcome: PollOutcome = switch payload.outcome {
        case .success: .succeeded(outputURLs: payload.outputURLs, costUSD: nil, predictTime: nil)
        case .error: .failed(code: payload.failure.code, message: payload.failure.message, costUSD: nil)
        case .cancelled: .cancelled
        default: .running(providerStatus: payload.status, nextPollAt: now)
        }
        try apply(db, generation, outcome, source: "webhook", at: now)
        return .applied
    }

    /// Records the prediction id of a generation whose create answer was lost. Also revives one that had been
    /// given up as `submit_uncertain`: the provider did run it, and what was paid for is archived.
    static func adopt(_ db: Database, _ generation: inout Generation, predictionID: String, how: String,
                      at now: Date) throws -> Bool {
        let revivable = generation.status == .pending
            || (generation.status == .failed && generation.errorCode == "submit_uncertain")
        guard generation.predictionID == nil, revivable else { return false }
        try db.execute(
            sql: """
                UPDATE generations SET status = 'submitted', prediction_id = ?, submitted_at = coalesce(submitted_at, ?),
                    submit_started_at = NULL, submit_uncertain_since = NULL, error_code = NULL, error_message = NULL,
                    completed_at = NULL, next_action_at = ?, updated_at = ?
                WHERE id = ?
                """,
            arguments: [predictionID, now.unix, now.unix, now.unix, generation.id])
        try appendEvent(db, generation.id, "reconciled",
                        "prediction \(predictionID) found through \(how); the create was not sent again", at: now)
        generation = try Generation.fetchOne(db, key: ["id": generation.id]) ?? generation
        return true
    }

    /// Adopts a prediction id found in the provider's webhook log.
    public func adoptPrediction(generationID: String, predictionID: String, now: Date) throws -> Bool {
        try writer.write { db in
            guard var generation = try Generation.fetchOne(db, key: ["id": generationID]) else { return false }
            return try Self.adopt(db, &generation, predictionID: predictionID, how: "the provider's webhook log",
                                  at: now)
        }
    }

    /// A create may have reached the provider (its answer was lost, or the process died mid-call): keep the
    /// intent mark and look for the prediction instead of resending.
    public func markSubmitUncertain(id: String, reason: String, checkAt: Date, now: Date) throws {
        try writer.write { db in
            try db.execute(
                sql: """
                    UPDATE generations SET submit_uncertain_since = coalesce(submit_uncertain_since, ?),
                        submit_started_at = coalesce(submit_started_at, ?), next_action_at = ?, updated_at = ?
                    WHERE id = ? AND status = 'pending'
                    """,
                arguments: [now.unix, now.unix, checkAt.unix, now.unix, id])
            try Self.appendEvent(db, id, "create_uncertain", reason, at: now)
        }
    }

    /// Uncertain creates due for another look, oldest first.
    public func dueReconciliations(now: Date, limit: Int) throws -> [Generation] {
        try writer.read { db in
            try Generation
                .filter(sql: "status = 'pending' AND submit_uncertain_since IS NOT NULL AND next_action_at <= ?",
                        arguments: [now.unix])
                .order(Column("next_action_at"))
                .limit(limit)
                .fetchAll(db)
        }
    }

    public func nextReconciliationTime() throws -> Date? {
        try writer.read { db in
            try Date.fetchOne(
                db,
                sql: "SELECT min(next_action_at) FROM generations WHERE status = 'pending' AND submit_uncertain_since IS NOT NULL")
        }
    }

    public func rescheduleReconciliation(id: String, at: Date) throws {
        try writer.write { db in
            try db.execute(sql: "UPDATE generations SET next_action_at = ? WHERE id = ? AND status = 'pending'",
                           arguments: [at.unix, id])
        }
    }

    /// Deliveries received for a generation, oldest first: (verdict, reason).
    public func webhookDeliveries(generationID: String) throws -> [(verdict: String, reason: String?)] {
        try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT verdict, reason FROM webhook_deliveries WHERE generation_id = ? ORDER BY id",
                             arguments: [generationID]).map { ($0["verdict"], $0["reason"]) }
        }
    }
}
