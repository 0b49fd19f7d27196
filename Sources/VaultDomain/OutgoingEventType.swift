import Foundation

/// The events a team's endpoints can subscribe to.
public enum OutgoingEventType: String, Sendable, Codable, CaseIterable {
    case generationCompleted = "generation.completed"
    case generationFailed = "generation.failed"
    case generationCancelled = "generation.cancelled"
    case assetStored = "asset.stored"
}

/// An outgoing message's body, `{"type", "timestamp", "data"}` in the API's JSON configuration: written once, when
/// the event is put in the outbox, and sent as it is on every attempt (its signature covers these bytes).
public struct OutgoingEventBody: Encodable, Sendable {
    public var type: OutgoingEventType
    public var timestamp: Date
    public var data: [String: String]

    public init(type: OutgoingEventType, timestamp: Date, data: [String: String]) {
        self.type = type
        self.timestamp = timestamp
        self.data = data
    }

    /// The body's bytes as text (the outbox column's type).
    public func rendered() -> String {
        String(decoding: (try? ContractJSON.encoder().encode(self)) ?? Data(), as: UTF8.self)
    }
}
