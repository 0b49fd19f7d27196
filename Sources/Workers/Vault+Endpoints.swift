import Foundation
import Storage
import VaultContract
import VaultDomain

/// Why an endpoint request is refused, field by field.
public struct EndpointRefusal: Error, Sendable {
    public var problems: [(field: String, problem: String)]
}

extension Vault {
    /// How many endpoints one team may register: each is a destination the delivery workers wait on.
    public static let endpointsPerTeam = 10
    /// Delivery workers, and how many of them one team's endpoints may hold at once (one delivery in flight per
    /// endpoint), so a team whose endpoints answer slowly leaves the others workers to spare.
    public static let deliveryWorkers = 8
    public static let deliveriesPerTeam = 4

    /// Registers an endpoint for the team; the answer carries its signing secret, shown this once.
    public func createEndpoint(_ request: EndpointRequest, teamID: String) async throws -> EndpointView {
        let (url, events) = try Self.checked(url: request.url, events: request.events, creating: true)
        guard
            let endpoint = try await store.createEndpoint(
                teamID: teamID, url: url ?? "", events: events ?? OutgoingEventType.allCases.map(\.rawValue),
                limit: Self.endpointsPerTeam, now: now())
        else {
            throw EndpointRefusal(problems: [
                ("url", "a team has at most \(Self.endpointsPerTeam) endpoints; delete one before adding another")
            ])
        }
        return EndpointView(endpoint)
    }

    public func endpoints(teamID: String) async throws -> [EndpointView] {
        try await store.endpoints(teamID: teamID).map(EndpointView.init)
    }

    public func updateEndpoint(id: String, _ request: EndpointRequest, teamID: String) async throws -> EndpointView? {
        let (url, events) = try Self.checked(url: request.url, events: request.events, creating: false)
        let updated = try await store.updateEndpoint(
            id: id, teamID: teamID, url: url, events: events, enabled: request.enabled)
        outgoingDue.signal()  // an endpoint enabled again has messages waiting
        return updated.map(EndpointView.init)
    }

    public func deleteEndpoint(id: String, teamID: String) async throws -> Bool {
        try await store.deleteEndpoint(id: id, teamID: teamID)
    }

    public func deliveries(endpointID: String, teamID: String, limit: Int) async throws -> [DeliveryView]? {
        try await store.deliveries(endpointID: endpointID, teamID: teamID, limit: limit)?.map(DeliveryView.init)
    }

    public func replay(messageID: String, endpointID: String, teamID: String) async throws -> Bool {
        let found = try await store.replay(messageID: messageID, endpointID: endpointID, teamID: teamID, now: now())
        outgoingDue.signal()
        return found
    }

    /// An http(s) URL with a host, at most 2,048 bytes (where it may connect is decided at delivery, as for input
    /// downloads); known event types, at least one.
    static func checked(url: String?, events: [String]?, creating: Bool) throws -> (String?, [String]?) {
        var problems: [(String, String)] = []
        if let url {
            let parsed = URL(string: url)
            if url.utf8.count > 2048 || !["http", "https"].contains(parsed?.scheme?.lowercased() ?? "")
                || (parsed?.host ?? "").isEmpty
            {
                problems.append(("url", "must be an http(s) URL with a host, at most 2,048 bytes"))
            }
        } else if creating {
            problems.append(("url", "is required"))
        }
        if let events {
            let known = Set(OutgoingEventType.allCases.map(\.rawValue))
            if events.isEmpty || events.contains(where: { !known.contains($0) }) {
                problems.append(("events", "must be one or more of " + known.sorted().joined(separator: ", ")))
            }
        }
        guard problems.isEmpty else { throw EndpointRefusal(problems: problems) }
        return (url, events.map { Array(Set($0)).sorted() })
    }
}
