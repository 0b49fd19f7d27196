import ArgumentParser
import Foundation
import VaultAPIClient
import VaultContract

/// The team's outgoing webhook endpoints, through the running service (`EACHVAULT_URL`, `EACHVAULT_TOKEN`).
struct EndpointCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "endpoint", abstract: "Manage the team's outgoing webhook endpoints.",
        subcommands: [Create.self, List.self, Update.self, Delete.self, Deliveries.self, Replay.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register an endpoint; its signing secret is printed once.")
        @OptionGroup var server: ServerOptions
        @Option(help: "The URL events are posted to.") var url: String
        @Option(name: .customLong("event"), help: "An event type to send (repeatable; default: all).")
        var events: [String] = []

        func run() async throws {
            let endpoint = try await server.client.createEndpoint(
                EndpointRequest(url: url, events: events.isEmpty ? nil : events))
            FileHandle.standardError.write(Data("endpoint \(endpoint.id): its signing secret (shown once; store it now):\n".utf8))
            print(endpoint.secret ?? "")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the team's endpoints.")
        @OptionGroup var server: ServerOptions

        func run() async throws {
            var table = TextTable(["ID", "URL", "EVENTS", "ENABLED", "WHY DISABLED"])
            for endpoint in try await server.client.endpoints() {
                table.add([
                    endpoint.id, endpoint.url, endpoint.events.joined(separator: ","), endpoint.enabled ? "yes" : "no",
                    endpoint.disabledReason ?? "-",
                ])
            }
            print(table.render())
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change an endpoint's URL or events, or enable or disable it.")
        @OptionGroup var server: ServerOptions
        @Argument(help: "The endpoint id (ep_...).") var id: String
        @Option(help: "A new URL.") var url: String?
        @Option(name: .customLong("event"), help: "The event types to send (repeatable; replaces the list).")
        var events: [String] = []
        @Flag(inversion: .prefixedEnableDisable, help: "Enable (again) or disable it.") var enable: Bool?

        func run() async throws {
            let endpoint = try await server.client.updateEndpoint(
                id: id, EndpointRequest(url: url, events: events.isEmpty ? nil : events, enabled: enable))
            print("\(endpoint.id) \(endpoint.enabled ? "enabled" : "disabled") \(endpoint.url)")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete an endpoint and its delivery log.")
        @OptionGroup var server: ServerOptions
        @Argument(help: "The endpoint id.") var id: String

        func run() async throws {
            try await server.client.deleteEndpoint(id: id)
            print("deleted \(id)")
        }
    }

    struct Deliveries: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The endpoint's delivery log, newest first.")
        @OptionGroup var server: ServerOptions
        @Argument(help: "The endpoint id.") var id: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let log = try await server.client.deliveries(endpointID: id)
            if json { return try printJSON(log) }
            var table = TextTable(["MESSAGE", "EVENT", "GENERATION", "ATTEMPTS", "LAST STATUS", "STATE"])
            for delivery in log {
                let state = delivery.deliveredAt != nil ? "delivered" : delivery.gaveUpAt != nil ? "given up" : "retrying"
                table.add([
                    delivery.messageID, delivery.eventType, delivery.generationID ?? "-", String(delivery.attempts.count),
                    delivery.attempts.last?.status.map(String.init) ?? delivery.attempts.last?.error ?? "-", state,
                ])
            }
            print(table.render())
        }
    }

    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send a message again now, with the same id.")
        @OptionGroup var server: ServerOptions
        @Argument(help: "The endpoint id.") var id: String
        @Argument(help: "The message id (msg_...).") var message: String

        func run() async throws {
            try await server.client.replay(endpointID: id, messageID: message)
            print("replaying \(message)")
        }
    }
}
