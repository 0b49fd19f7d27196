import Foundation

/// `POST /v1/endpoints`: where to deliver which events (all when `events` is absent).
public struct EndpointRequest: Sendable, Codable {
    public var url: String?
    public var events: [String]?
    public var enabled: Bool?

    public init(url: String? = nil, events: [String]? = nil, enabled: Bool? = nil) {
        self.url = url
        self.events = events
        self.enabled = enabled
    }
}

/// A team's endpoint. `secret` (`whsec_...`, for verifying signatures) is in the answer that creates it, only.
public struct EndpointView: Sendable, Codable {
    public var id: String
    public var url: String
    public var events: [String]
    public var enabled: Bool
    /// Why it was disabled: by the team, or after every delivery attempt of a message failed for about a day.
    public var disabledReason: String?
    public var createdAt: Date
    public var secret: String?

    public init(
        id: String, url: String, events: [String], enabled: Bool, disabledReason: String?, createdAt: Date,
        secret: String? = nil
    ) {
        self.id = id
        self.url = url
        self.events = events
        self.enabled = enabled
        self.disabledReason = disabledReason
        self.createdAt = createdAt
        self.secret = secret
    }

    enum CodingKeys: String, CodingKey {
        case id, url, events, enabled, secret
        case disabledReason = "disabled_reason"
        case createdAt = "created_at"
    }
}

/// One message of an endpoint's delivery log, with its attempts.
public struct DeliveryView: Sendable, Codable {
    public var messageID: String
    public var eventType: String
    public var generationID: String?
    public var createdAt: Date
    public var deliveredAt: Date?
    public var gaveUpAt: Date?
    public var nextAttemptAt: Date?
    public var attempts: [Attempt]

    public struct Attempt: Sendable, Codable {
        public var at: Date
        public var status: Int?
        public var latencyMS: Double
        public var responseExcerpt: String?
        public var error: String?

        public init(at: Date, status: Int?, latencyMS: Double, responseExcerpt: String?, error: String?) {
            self.at = at
            self.status = status
            self.latencyMS = latencyMS
            self.responseExcerpt = responseExcerpt
            self.error = error
        }

        enum CodingKeys: String, CodingKey {
            case at, status, error
            case latencyMS = "latency_ms"
            case responseExcerpt = "response_excerpt"
        }
    }

    public init(
        messageID: String, eventType: String, generationID: String?, createdAt: Date, deliveredAt: Date?,
        gaveUpAt: Date?, nextAttemptAt: Date?, attempts: [Attempt]
    ) {
        self.messageID = messageID
        self.eventType = eventType
        self.generationID = generationID
        self.createdAt = createdAt
        self.deliveredAt = deliveredAt
        self.gaveUpAt = gaveUpAt
        self.nextAttemptAt = nextAttemptAt
        self.attempts = attempts
    }

    enum CodingKeys: String, CodingKey {
        case attempts
        case messageID = "message_id"
        case eventType = "event_type"
        case generationID = "generation_id"
        case createdAt = "created_at"
        case deliveredAt = "delivered_at"
        case gaveUpAt = "gave_up_at"
        case nextAttemptAt = "next_attempt_at"
    }
}
