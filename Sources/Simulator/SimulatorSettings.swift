/// How the simulator behaves. Every field can be set by a flag of `eachvault simulator`.
public struct SimulatorSettings: Sendable {
    /// The key clients must present (`Authorization: Bearer` or `X-API-Key`).
    public var apiKey: String
    /// From create to a final status.
    public var runTime: Duration
    /// Size of each output file in bytes; nil for the natural size (a small clip plus its digest box).
    public var outputBytes: Int64?

    public init(apiKey: String = "sim-key", runTime: Duration = .seconds(30), outputBytes: Int64? = nil) {
        self.apiKey = apiKey
        self.runTime = runTime
        self.outputBytes = outputBytes
    }
}

/// Faults to inject, set with `POST /_simulator/faults`; each count is consumed as calls arrive.
public struct SimulatorFaults: Sendable, Codable, Equatable {
    /// The next N API calls (create or read) answer 429.
    public var rateLimitNext: Int = 0
    /// `Retry-After` seconds sent with injected 429s; nil sends none.
    public var retryAfterSeconds: Int? = 1
    /// The next N creates answer 500 (no prediction is started).
    public var failCreatesNext: Int = 0
    /// The next N prediction reads answer 500.
    public var failReadsNext: Int = 0

    public init() {}

    enum CodingKeys: String, CodingKey {
        case rateLimitNext = "rate_limit_next"
        case retryAfterSeconds = "retry_after_s"
        case failCreatesNext = "fail_creates_next"
        case failReadsNext = "fail_reads_next"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        rateLimitNext = try container.decodeIfPresent(Int.self, forKey: .rateLimitNext) ?? 0
        retryAfterSeconds = try container.decodeIfPresent(Int.self, forKey: .retryAfterSeconds) ?? 1
        failCreatesNext = try container.decodeIfPresent(Int.self, forKey: .failCreatesNext) ?? 0
        failReadsNext = try container.decodeIfPresent(Int.self, forKey: .failReadsNext) ?? 0
    }
}
