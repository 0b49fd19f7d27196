import Foundation

/// A team's outgoing-webhook endpoint, as stored. `secret` is read only when the endpoint is created (the one answer
/// that shows it) and when a message is signed.
public struct WebhookEndpoint: Sendable, Hashable {
    public var id: String
    public var url: String
    public var events: [String]
    public var enabled: Bool
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
}

/// One outbox message of an endpoint, with every attempt to deliver it.
public struct Delivery: Sendable, Hashable {
    public var messageID: String
    public var eventType: String
    public var generationID: String?
    public var createdAt: Date
    public var deliveredAt: Date?
    public var gaveUpAt: Date?
    public var nextAttemptAt: Date?
    public var attempts: [Attempt]

    public struct Attempt: Sendable, Hashable {
        public var at: Date
        public var status: Int?
        public var latencyMS: Double
        public var responseExcerpt: String?
        public var error: String?
    }
}
