/// Faults to inject: counts ("the next N calls") and rates (a fraction of all calls or predictions, 0...1).
/// Set by `eachvault simulator` flags or `POST /_simulator/faults` with these snake_case keys.
public struct SimulatorFaults: Sendable, Codable, Equatable {
    // Counts, consumed as calls arrive.
    /// The next N API calls (create or read) answer 429.
    public var rateLimitNext = 0
    /// The next N creates answer 500 (no prediction is started).
    public var failCreatesNext = 0
    /// The next N prediction reads answer 500.
    public var failReadsNext = 0
    /// The next N creates start a prediction but lose the answer (the connection drops mid-body).
    public var loseCreatesNext = 0
    /// The next N creates start a prediction and still answer a plain 500 (a provider fault after the insert).
    public var startThenFailCreatesNext = 0
    /// The next N creates are cut off before anything starts (the connection drops mid-answer): no prediction, no
    /// trace in the webhook log; the client cannot tell this from a lost answer.
    public var dropCreatesNext = 0

    /// `Retry-After` seconds sent with injected 429s; nil sends none.
    public var retryAfterSeconds: Int? = 1

    // Rates, drawn per call or per prediction.
    public var rateLimit = 0.0
    public var createError = 0.0
    public var readError = 0.0
    public var createLost = 0.0
    /// Predictions that end `error` (code `PROVIDER_FAILED`) or `cancelled` (no webhook, as documented).
    public var predictionError = 0.0
    public var predictionCancel = 0.0
    /// Webhooks never sent (the log shows failed attempts), sent twice, sent after the next poll would have come,
    /// sent in shuffled order, signed with a wrong secret, or carrying only the legacy secret header.
    public var webhookDrop = 0.0
    public var webhookDuplicate = 0.0
    public var webhookDelay = 0.0
    public var webhookReorder = 0.0
    public var webhookWrongSecret = 0.0
    public var webhookLegacyOnly = 0.0
    /// Output downloads cut off mid-body, or served slowly.
    public var downloadTruncate = 0.0
    public var downloadSlow = 0.0
    /// Output files answer 404 this long after the prediction finished (the provider's retention, shortened).
    public var outputTTLSeconds: Double?

    public init() {}

    enum CodingKeys: String, CodingKey {
        case rateLimitNext = "rate_limit_next", failCreatesNext = "fail_creates_next"
        case failReadsNext = "fail_reads_next", loseCreatesNext = "lose_creates_next"
        case startThenFailCreatesNext = "start_then_fail_creates_next", dropCreatesNext = "drop_creates_next"
        case retryAfterSeconds = "retry_after_s", rateLimit = "rate_limit", createError = "create_error"
        case readError = "read_error", createLost = "create_lost", predictionError = "prediction_error"
        case predictionCancel = "prediction_cancel", webhookDrop = "webhook_drop"
        case webhookDuplicate = "webhook_duplicate", webhookDelay = "webhook_delay"
        case webhookReorder = "webhook_reorder", webhookWrongSecret = "webhook_wrong_secret"
        case webhookLegacyOnly = "webhook_legacy_only", downloadTruncate = "download_truncate"
        case downloadSlow = "download_slow", outputTTLSeconds = "output_ttl_s"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func count(_ key: CodingKeys) throws -> Int { try container.decodeIfPresent(Int.self, forKey: key) ?? 0 }
        func rate(_ key: CodingKeys) throws -> Double {
            let value = try container.decodeIfPresent(Double.self, forKey: key) ?? 0
            guard (0...1).contains(value) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "a rate is 0...1")
            }
            return value
        }
        rateLimitNext = try count(.rateLimitNext)
        failCreatesNext = try count(.failCreatesNext)
        failReadsNext = try count(.failReadsNext)
        loseCreatesNext = try count(.loseCreatesNext)
        dropCreatesNext = try count(.dropCreatesNext)
        retryAfterSeconds = try container.decodeIfPresent(Int.self, forKey: .retryAfterSeconds) ?? 1
        rateLimit = try rate(.rateLimit)
        createError = try rate(.createError)
        readError = try rate(.readError)
        createLost = try rate(.createLost)
        predictionError = try rate(.predictionError)
        predictionCancel = try rate(.predictionCancel)
        webhookDrop = try rate(.webhookDrop)
        webhookDuplicate = try rate(.webhookDuplicate)
        webhookDelay = try rate(.webhookDelay)
        webhookReorder = try rate(.webhookReorder)
        webhookWrongSecret = try rate(.webhookWrongSecret)
        webhookLegacyOnly = try rate(.webhookLegacyOnly)
        downloadTruncate = try rate(.downloadTruncate)
        downloadSlow = try rate(.downloadSlow)
        outputTTLSeconds = try container.decodeIfPresent(Double.self, forKey: .outputTTLSeconds)
    }

    /// Every fault at `rate` (the chaos run), Retry-After 1 s.
    public static func everything(at rate: Double) -> SimulatorFaults {
        var faults = SimulatorFaults()
        faults.rateLimit = rate
        faults.createError = rate
        faults.readError = rate
        faults.createLost = rate
        faults.predictionError = rate
        faults.predictionCancel = rate
        faults.webhookDrop = rate
        faults.webhookDuplicate = rate
        faults.webhookDelay = rate
        faults.webhookReorder = rate
        faults.webhookWrongSecret = rate
        faults.webhookLegacyOnly = rate
        faults.downloadTruncate = rate
        faults.downloadSlow = rate
        return faults
    }
}

extension Double {
    /// True with this probability.
    var happens: Bool { self > 0 && Double.random(in: 0..<1) < self }
}
