import Foundation
import VaultDomain

/// A message waiting in the outbox, with where it goes and how it is signed.
public struct OutgoingMessage: Sendable {
    public var row: Int64
    public var messageID: String
    public var endpointID: String
    /// The endpoint's team: a team's deliveries take turns with every other team's.
    public var teamID: String
    public var url: String
    public var secret: String
    public var payload: String
    public var attempts: Int

    /// A row of the outgoing webhooks queue (`QueueRule.messages`).
    package init(row: SQLRow) throws {
        self.row = try row["id"]
        messageID = try row["message_id"]
        endpointID = try row["endpoint_id"]
        teamID = try row["team_id"]
        url = try row["url"]
        secret = try row["secret"]
        payload = try row["payload"]
        attempts = try row["attempts"]
    }
}

extension SQLArchive {
    // MARK: - Endpoints

    /// Registers an endpoint, or nil when the team already has `limit`.
    public func createEndpoint(teamID: String, url: String, events: [String], limit: Int, now: Date) async throws
        -> WebhookEndpoint?
    {
        let endpoint = WebhookEndpoint(
            id: Secrets.id(prefix: "ep_"), url: url, events: events, enabled: true, disabledReason: nil,
            createdAt: now, secret: Secrets.endpointSecret())
        return try await writing { db in
            try db.lock(request: "endpoints of \(teamID)")  // two creates at once count each other
            let count = try db.value(Int.self, "SELECT count(*) FROM webhook_endpoints WHERE team_id = \(teamID)") ?? 0
            guard count < limit else { return nil }
            try db.execute(
                """
                INSERT INTO webhook_endpoints (id, team_id, url, events, secret, enabled, created_at)
                VALUES (\(endpoint.id), \(teamID), \(url), \(Self.eventsText(events)), \(endpoint.secret), 1, \(now.unix))
                """)
            return endpoint
        }
    }

    public func endpoints(teamID: String) async throws -> [WebhookEndpoint] {
        try await reading { db in
            try db.rows("SELECT * FROM webhook_endpoints WHERE team_id = \(teamID) ORDER BY created_at, id").map(Self.endpoint)
        }
    }

    /// Changes what is given; enabling again clears why it was disabled. Nil when the team has no such endpoint.
    public func updateEndpoint(id: String, teamID: String, url: String?, events: [String]?, enabled: Bool?) async throws
        -> WebhookEndpoint?
    {
        try await writing { db in
            guard try db.row("SELECT 1 FROM webhook_endpoints WHERE id = \(id) AND team_id = \(teamID)") != nil
            else { return nil }
            if let url { try db.execute("UPDATE webhook_endpoints SET url = \(url) WHERE id = \(id)") }
            if let events {
                try db.execute("UPDATE webhook_endpoints SET events = \(Self.eventsText(events)) WHERE id = \(id)")
            }
            if let enabled {
                let reason: String? = enabled ? nil : "disabled by the team"
                try db.execute(
                    "UPDATE webhook_endpoints SET enabled = \(enabled), disabled_reason = \(reason) WHERE id = \(id)")
            }
            return try db.row("SELECT * FROM webhook_endpoints WHERE id = \(id)").map(Self.endpoint)
        }
    }

    public func deleteEndpoint(id: String, teamID: String) async throws -> Bool {
        try await writing { db in
            try db.execute("DELETE FROM webhook_endpoints WHERE id = \(id) AND team_id = \(teamID)")
            return db.changedRows > 0
        }
    }

    private static func endpoint(_ row: SQLRow) throws -> WebhookEndpoint {
        try WebhookEndpoint(
            id: row["id"], url: row["url"],
            events: (try? JSONDecoder().decode([String].self, from: Data((row["events"] as String).utf8))) ?? [],
            enabled: row["enabled"], disabledReason: row["disabled_reason"],
            createdAt: row["created_at"])
    }

    private static func eventsText(_ events: [String]) -> String {
        String(decoding: (try? JSONEncoder().encode(events)) ?? Data("[]".utf8), as: UTF8.self)
    }

    // MARK: - The outbox

    /// Records one attempt: delivered (`retryAt` unused), to be tried again at `retryAt`, or, with neither, given up,
    /// and then the endpoint is disabled (every attempt of a message failed for about a day).
    public func recordAttempt(
        _ message: OutgoingMessage, status: Int?, latencyMS: Double, excerpt: String?, error: String?,
        delivered: Bool, retryAt: Date?, now: Date
    ) async throws {
        try await writing { db in
            try db.execute(
                """
                INSERT INTO webhook_attempts (message, at, status, latency_ms, response_excerpt, error)
                VALUES (\(message.row), \(now.unix), \(status), \(latencyMS), \(excerpt), \(error))
                """)
            try db.execute(
                """
                UPDATE webhook_messages SET attempts = attempts + 1, last_status = \(status),
                    next_attempt_at = \(delivered ? nil : retryAt), delivered_at = \(delivered ? now : nil),
                    gave_up_at = \(!delivered && retryAt == nil ? now : nil)
                WHERE id = \(message.row)
                """)
            if !delivered && retryAt == nil {
                let reason = "disabled after every attempt to deliver \(message.messageID) failed for about a day"
                try db.execute(
                    "UPDATE webhook_endpoints SET enabled = 0, disabled_reason = \(reason) WHERE id = \(message.endpointID)")
            }
        }
    }

    /// The endpoint's delivery log, newest first; nil when the team has no such endpoint.
    public func deliveries(endpointID: String, teamID: String, limit: Int) async throws -> [Delivery]? {
        try await reading { db in
            guard try db.row("SELECT 1 FROM webhook_endpoints WHERE id = \(endpointID) AND team_id = \(teamID)") != nil
            else { return nil }
            let messages = try db.rows("SELECT * FROM webhook_messages WHERE endpoint_id = \(endpointID) ORDER BY id DESC LIMIT \(limit)")
            return try messages.map { message in
                let attempts = try db.rows("SELECT * FROM webhook_attempts WHERE message = \(message["id"] as Int64) ORDER BY id").map {
                    try Delivery.Attempt(
                        at: $0["at"], status: $0["status"], latencyMS: $0["latency_ms"],
                        responseExcerpt: $0["response_excerpt"], error: $0["error"])
                }
                func date(_ column: String) throws -> Date? { try message[column] }
                return try Delivery(
                    messageID: message["message_id"], eventType: message["event_type"], generationID: message["generation_id"],
                    createdAt: message["created_at"], deliveredAt: date("delivered_at"),
                    gaveUpAt: date("gave_up_at"), nextAttemptAt: date("next_attempt_at"), attempts: attempts)
            }
        }
    }

    /// Sends a message again (same id), now; false when the team has no such message.
    public func replay(messageID: String, endpointID: String, teamID: String, now: Date) async throws -> Bool {
        try await writing { db in
            try db.execute(
                """
                UPDATE webhook_messages SET next_attempt_at = \(now.unix), gave_up_at = NULL
                WHERE message_id = \(messageID) AND endpoint_id = \(endpointID)
                AND endpoint_id IN (SELECT id FROM webhook_endpoints WHERE team_id = \(teamID))
                """)
            return db.changedRows > 0
        }
    }
}

extension SQLSession {
    /// Puts the event in the outbox of each of the generation's team's enabled endpoints that take it, inside the
    /// transaction that records the event: committed together, or neither.
    package func announce(_ type: OutgoingEventType, generationID: String, data: [String: String], at now: Date) throws {
        let endpoints = try rows(
            """
            SELECT e.id, e.events FROM webhook_endpoints e JOIN generations g ON g.team_id = e.team_id
            WHERE g.id = \(generationID) AND e.enabled = 1
            """)
        let subscribed = try endpoints.filter { try ($0["events"] as String).contains("\"\(type.rawValue)\"") }
        guard !subscribed.isEmpty else { return }
        var fields = data
        fields["generation_id"] = generationID
        let body = OutgoingEventBody(type: type, timestamp: now, data: fields).rendered()
        let messageID = Secrets.make(prefix: "msg_")
        for endpoint in subscribed {
            try execute(
                """
                INSERT INTO webhook_messages
                    (message_id, endpoint_id, event_type, generation_id, payload, created_at, next_attempt_at)
                VALUES (\(messageID), \(try endpoint["id"] as String), \(type.rawValue), \(generationID), \(body), \(now.unix), \(now.unix))
                """)
        }
    }
}
