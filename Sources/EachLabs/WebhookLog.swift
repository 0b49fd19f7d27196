import Foundation

/// One entry of the provider's webhook delivery log (`GET /v1/webhooks`): which prediction, to which URL, and how
/// each attempt went. Decoded leniently: the provider's documents name the fields in more than one way.
public struct WebhookLogEntry: Sendable, Codable, Hashable {
    public var executionID: String
    public var url: String?
    public var attempts: [Attempt]

    public struct Attempt: Sendable, Codable, Hashable {
        public var status: String
        public var statusCode: Int?
        public var createdAt: String?

        public init(status: String, statusCode: Int?, createdAt: String?) {
            self.status = status
            self.statusCode = statusCode
            self.createdAt = createdAt
        }

        enum CodingKeys: String, CodingKey {
            case status
            case statusCode = "status_code"
            case createdAt = "created_at"
        }
    }

    public init(executionID: String, url: String?, attempts: [Attempt]) {
        self.executionID = executionID
        self.url = url
        self.attempts = attempts
    }

    enum CodingKeys: String, CodingKey {
        case executionID = "execution_id"
        case url = "webhook_url"
        case attempts
    }

    private enum AlternativeKeys: String, CodingKey {
        case execID = "exec_id", id, url
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let alternatives = try decoder.container(keyedBy: AlternativeKeys.self)
        guard
            let id = try container.decodeIfPresent(String.self, forKey: .executionID)
                ?? alternatives.decodeIfPresent(String.self, forKey: .execID)
                ?? alternatives.decodeIfPresent(String.self, forKey: .id)
        else {
            throw DecodingError.keyNotFound(
                CodingKeys.executionID,
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "no execution id"))
        }
        executionID = id
        url =
            try container.decodeIfPresent(String.self, forKey: .url)
            ?? alternatives.decodeIfPresent(String.self, forKey: .url)
        attempts = try container.decodeIfPresent([Attempt].self, forKey: .attempts) ?? []
    }
}

/// The list answer: a bare array, or one wrapped in `data`.
struct WebhookLogPage: Decodable {
    var entries: [WebhookLogEntry]

    init(from decoder: any Decoder) throws {
        if let entries = try? [WebhookLogEntry](from: decoder) {
            self.entries = entries
            return
        }
        enum Keys: String, CodingKey { case data, webhooks }
        let container = try decoder.container(keyedBy: Keys.self)
        entries =
            try container.decodeIfPresent([WebhookLogEntry].self, forKey: .data)
            ?? container.decode([WebhookLogEntry].self, forKey: .webhooks)
    }
}
