import EachLabs
import Foundation
import VaultDomain

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
    /// What an authenticated delivery says: the prediction it is about and where that prediction stands (the
    /// provider's statuses are mapped to outcomes by the caller, which knows the provider; storage does not).
    public var report: (predictionID: String, outcome: PollOutcome)?

    public init(
        generationID: String, scheme: WebhookScheme, timestampHeader: String?, body: Data,
        rejection: WebhookRejection?, report: (predictionID: String, outcome: PollOutcome)?
    ) {
        self.generationID = generationID
        self.scheme = scheme
        self.timestampHeader = timestampHeader
        self.body = body
        self.rejection = rejection
        self.report = report
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
    /// Authentic, but about another prediction than the generation's: possibly a second (billed) one started by a
    /// create whose answer was an error. Recorded for confirmation with the provider.
    case extraPrediction
    case rejected(WebhookRejection)
}

extension SQLArchive {
    /// Most second predictions recorded for one generation (each needs a provider read to confirm).
    static var maxExtraPredictions: Int { 5 }

    /// The secret a generation's webhooks are signed with; nil for an unknown generation or one without webhooks.
    /// One column on a reader connection: verification reads no more.
    public func webhookSecret(generationID: String) async throws -> String? {
        try await webhookSecrets(generationIDs: [generationID])[0]
    }

    /// The secrets of many generations in one read, in order (nil for an unknown id).
    public func webhookSecrets(generationIDs: [String]) async throws -> [String?] {
        try await reading { db in
            try generationIDs.map { try db.value(String.self, "SELECT webhook_secret FROM generations WHERE id = \($0)") }
        }
    }

    /// Stores the delivery and applies it in one transaction, committed before the sender gets its answer. A
    /// refused delivery (or one for an unknown generation) is only counted, never stored: forged deliveries cost a
    /// counter update each.
    public func recordWebhook(_ delivery: ReceivedWebhook, now: Date) async throws -> WebhookEffect {
        try await recordWebhooks([delivery], now: now)[0].get()
    }

    /// Records many deliveries in one transaction (a group commit: one journal sync for all of them), each in a
    /// savepoint of its own, so one that fails is rolled back alone and answered with its error.
    public func recordWebhooks(_ deliveries: [ReceivedWebhook], now: Date) async throws -> [Result<WebhookEffect, any Error>] {
        try await writing { db in
            deliveries.map { delivery in
                Result { try db.savepoint { try Self.record(db, delivery, now: now) } }
            }
        }
    }

    private static func record(_ db: any SQLSession, _ delivery: ReceivedWebhook, now: Date) throws -> WebhookEffect {
        if delivery.rejection == nil { try db.lock(generation: delivery.generationID) }
        if try isRepeat(db, delivery) {
            try storeDelivery(db, delivery, verdict: "duplicate", reason: nil, now: now)
            return .duplicate
        }
        guard var generation = try db.generation(id: delivery.generationID) else {
            try countRejection(
                db, generationID: nil, reason: .unknownGeneration, bytes: delivery.body.count,
                at: now)
            return .rejected(.unknownGeneration)
        }
        var effect: WebhookEffect
        if let rejection = delivery.rejection {
            effect = .rejected(rejection)
        } else if let report = delivery.report {
            effect = try apply(
                db, &generation, predictionID: report.predictionID, outcome: report.outcome, scheme: delivery.scheme,
                at: now)
        } else {
            effect = .rejected(.malformedSignature)
        }
        let (verdict, reason): (String, String?) =
            switch effect {
            case .applied: ("applied", nil)
            case .duplicate: ("duplicate", nil)
            case .confirmRequested: ("confirm", "legacy secret only: confirming with the provider")
            case .extraPrediction: ("confirm", "another prediction of this request: confirming with the provider")
            case .rejected(let why): ("rejected", why.rawValue)
            }
        if case .rejected(let why) = effect {
            try countRejection(db, generationID: generation.id, reason: why, bytes: delivery.body.count, at: now)
            return effect
        }
        try storeDelivery(db, delivery, verdict: verdict, reason: reason, now: now)
        let detail = [delivery.scheme.rawValue, verdict, reason].compactMap { $0 }.joined(separator: ", ")
        // A repeat changes nothing, so it adds nothing to the history (the delivery row records it).
        if effect != .duplicate { try db.appendEvent(generation.id, "webhook_received", detail, at: now) }
        return effect
    }

    /// An authentic delivery about the generation's own prediction, which has already moved past running: it changes
    /// nothing, and two columns say so without reading the whole generation (the common case of ingest: the provider
    /// repeats deliveries until it sees a 2xx, and polls may have finished the generation first).
    private static func isRepeat(_ db: any SQLSession, _ delivery: ReceivedWebhook) throws -> Bool {
        guard delivery.rejection == nil, let report = delivery.report,
            let row = try db.row("SELECT status, prediction_id FROM generations WHERE id = \(delivery.generationID)")
        else { return false }
        let status: GenerationStatus? = try row["status"]
        let predictionID: String? = try row["prediction_id"]
        return predictionID == report.predictionID && status != .submitted && status != .processing
    }

    private static func storeDelivery(
        _ db: any SQLSession, _ delivery: ReceivedWebhook, verdict: String, reason: String?, now: Date
    ) throws {
        try db.execute(
            """
            INSERT INTO webhook_deliveries
                (generation_id, received_at, verdict, reason, scheme, webhook_timestamp, exec_id, body)
            VALUES (
                \(delivery.generationID), \(now.unix), \(verdict), \(reason), \(delivery.scheme.rawValue),
                \(delivery.timestampHeader), \(delivery.report?.predictionID), \(delivery.body))
            """)
    }

    /// One row per generation (unknown ids share one) and reason: how many, when, the last one's size.
    private static func countRejection(
        _ db: any SQLSession, generationID: String?, reason: WebhookRejection, bytes: Int,
        at now: Date
    ) throws {
        try db.execute(
            """
            INSERT INTO webhook_rejections (generation_id, reason, count, first_at, last_at, last_bytes)
            VALUES (\(generationID ?? Self.unknownGenerationKey), \(reason.rawValue), 1, \(now.unix), \(now.unix), \(bytes))
            ON CONFLICT (generation_id, reason)
            DO UPDATE SET count = webhook_rejections.count + 1, last_at = excluded.last_at, last_bytes = excluded.last_bytes
            """)
    }

    /// Where deliveries for generation ids that do not exist are counted.
    public static var unknownGenerationKey: String { "(unknown)" }

    /// Refused deliveries for a generation (`unknownGenerationKey` for unknown ids): reason and count.
    public func webhookRejections(generationID: String) async throws -> [(reason: String, count: Int)] {
        try await reading { db in
            try db.rows("SELECT reason, count FROM webhook_rejections WHERE generation_id = \(generationID) ORDER BY reason").map {
                try ($0["reason"], $0["count"])
            }
        }
    }

    private static func apply(
        _ db: any SQLSession, _ generation: inout Generation, predictionID reported: String, outcome: PollOutcome,
        scheme: WebhookScheme, at now: Date
    ) throws -> WebhookEffect {
        if let predictionID = generation.predictionID {
            guard predictionID == reported else {
                return try noteExtraPrediction(db, reported, of: generation.id, at: now)
            }
        } else {
            // The create's answer never arrived, but the provider is telling us the prediction id: adopt it.
            guard try adopt(db, &generation, predictionID: reported, how: "its webhook", at: now) else {
                return .duplicate
            }
        }
        guard generation.status == .submitted || generation.status == .processing else { return .duplicate }
        let step =
            scheme == .legacySecret
            ? GenerationLife.confirmationAsked(generation, at: now)
            : GenerationLife.reported(outcome, by: .webhook, generation, at: now)
        try db.persist(step, from: generation, at: now)
        return scheme == .legacySecret ? .confirmRequested : .applied
    }

    /// Records the prediction id of a generation whose create answer was lost (`GenerationLife.adopted`); false
    /// when it cannot be adopted.
    static func adopt(
        _ db: any SQLSession, _ generation: inout Generation, predictionID: String, how: String,
        at now: Date
    ) throws -> Bool {
        guard let step = GenerationLife.adopted(predictionID: predictionID, how: how, generation, at: now) else { return false }
        try db.persist(step, from: generation, at: now)
        generation = step.generation
        return true
    }

    /// Adopts a prediction id found in the provider's webhook log.
    public func adoptPrediction(generationID: String, predictionID: String, now: Date) async throws -> Bool {
        try await writing { db in
            try db.advance(generationID, at: now) {
                GenerationLife.adopted(predictionID: predictionID, how: "the provider's webhook log", $0, at: now)
            }
        }
    }

    /// A create may have reached the provider (its answer was lost, or the process died mid-call): keep the
    /// intent mark and look for the prediction instead of resending.
    public func markSubmitUncertain(id: String, reason: String, checkAt: Date, now: Date) async throws {
        try await writing { db in
            _ = try db.advance(id, at: now) { GenerationLife.createUncertain(checkAt: checkAt, reason: reason, $0, at: now) }
        }
    }

    public func rescheduleReconciliation(id: String, at: Date) async throws {
        try await writing { db in
            _ = try db.advance(id, at: at) { GenerationLife.reconciliationDeferred(until: at, $0) }
        }
    }

    /// Deliveries received for a generation, oldest first: (verdict, reason).
    public func webhookDeliveries(generationID: String) async throws -> [(verdict: String, reason: String?)] {
        try await reading { db in
            try db.rows("SELECT verdict, reason FROM webhook_deliveries WHERE generation_id = \(generationID) ORDER BY id").map {
                try ($0["verdict"], $0["reason"])
            }
        }
    }

    /// Notes a prediction that an authentic webhook ties to this generation although it is not the generation's
    /// own; at most `maxExtraPredictions` per generation, each once.
    private static func noteExtraPrediction(
        _ db: any SQLSession, _ predictionID: String, of generationID: String,
        at now: Date
    ) throws -> WebhookEffect {
        let known =
            try db.value(Int.self, "SELECT count(*) FROM extra_predictions WHERE generation_id = \(generationID)") ?? 0
        let exists =
            try db.value(Bool.self, "SELECT 1 FROM extra_predictions WHERE prediction_id = \(predictionID)") ?? false
        if exists { return .duplicate }
        guard known < maxExtraPredictions, predictionID.utf8.count <= 200 else { return .rejected(.predictionMismatch) }
        try db.execute(
            """
            INSERT INTO extra_predictions (prediction_id, generation_id, state, seen_at, next_check_at)
            VALUES (\(predictionID), \(generationID), 'unconfirmed', \(now.unix), \(now.unix))
            """)
        return .extraPrediction
    }

    /// The provider could not be asked now: ask again at `at`.
    public func postponeExtraPrediction(_ predictionID: String, until at: Date) async throws {
        try await writing { db in
            try db.execute("UPDATE extra_predictions SET next_check_at = \(at.unix) WHERE prediction_id = \(predictionID)")
        }
    }

    /// The provider did not confirm the prediction as this generation's: nothing changes but its state.
    public func refuseExtraPrediction(_ predictionID: String) async throws {
        try await writing { db in
            try db.execute("UPDATE extra_predictions SET state = 'refused' WHERE prediction_id = \(predictionID)")
        }
    }

    /// The provider confirmed a second prediction of `original`'s request: it is archived as a generation of its own
    /// (same team, model and request; it was billed), moved on by `outcome`, and both histories say so.
    public func recordExtraPrediction(
        _ extra: Generation, of original: Generation, outcome: PollOutcome,
        now: Date
    ) async throws -> Generation {
        try await writing { db in
            try db.insert(extra)
            try db.execute(
                """
                INSERT INTO generation_inputs (generation_id, field, position, source_url, sha256, attempts, next_attempt_at)
                SELECT \(extra.id), field, position, source_url, sha256, 0, CASE WHEN sha256 IS NULL THEN \(now.unix) END
                FROM generation_inputs WHERE generation_id = \(original.id)
                """)
            try db.appendEvent(
                extra.id, "extra_prediction",
                "a second prediction \(extra.predictionID ?? "?") of \(original.id)'s request, started by a "
                    + "create answered with an error; billed, so archived", at: now)
            try db.appendEvent(
                original.id, "extra_prediction",
                "the provider also ran this request as prediction \(extra.predictionID ?? "?") (billed); "
                    + "archived as \(extra.id)", at: now)
            try db.execute(
                "UPDATE extra_predictions SET state = 'confirmed', archived_as = \(extra.id) WHERE prediction_id = \(extra.predictionID)")
            let stored = try db.generation(id: extra.id) ?? extra
            let step = GenerationLife.reported(outcome, by: .extraPrediction, stored, at: now)
            try db.persist(step, from: stored, at: now)
            return step.generation
        }
    }
}

/// A prediction an authentic webhook tied to `generation` although it is not the generation's own.
public struct ExtraPrediction: Sendable {
    public var predictionID: String
    public var generation: Generation

    package init(predictionID: String, generation: Generation) {
        self.predictionID = predictionID
        self.generation = generation
    }

    /// A row of the queue of second predictions (`QueueRule.extraPredictions`).
    package init(row: SQLRow) throws {
        try self.init(predictionID: row["extra_prediction_id"], generation: Generation(row: row))
    }
}
