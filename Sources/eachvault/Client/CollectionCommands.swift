import ArgumentParser
import Foundation
import VaultAPIClient
import VaultContract

/// The team's named collections, through the running service. A collection is named by its name or its id.
struct CollectionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collection", abstract: "Gather generations in named collections, and share one as a link.",
        discussion: """
            A collection is named by its name or its id (col_...). `eachvault search --collection NAME` lists its \
            generations; `eachvault collection share NAME` prints one link to a page of all its finished videos.
            """,
        subcommands: [List.self, Create.self, Add.self, Remove.self, Rename.self, Share.self, Shares.self, Delete.self],
        defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the team's collections.")
        @OptionGroup var server: ServerOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let collections = try await server.client.collections()
            if json { return try printJSON(collections) }
            var table = TextTable(["ID", "NAME", "ITEMS", "UPDATED", "DESCRIPTION"])
            for collection in collections {
                table.add([
                    collection.id, collection.name, String(collection.itemCount),
                    collection.updatedAt.formatted(.iso8601), String((collection.description ?? "").prefix(50)),
                ])
            }
            print(table.render())
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a collection, perhaps with its first generations.")
        @OptionGroup var server: ServerOptions
        @Argument(help: "Its name (unique within the team).") var name: String
        @Argument(help: "Generation ids to put in it.") var ids: [String] = []
        @Option(help: "What it is for.") var description: String?

        func run() async throws {
            let created = try await server.client.createCollection(
                CollectionRequest(name: name, description: description.map { .some($0) } ?? .none, add: ids))
            print("\(created.id) \(created.name): \(created.itemCount) generations")
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put generations in a collection.")
        @OptionGroup var server: ServerOptions
        @Argument(help: "The collection's name or id.") var collection: String
        @Argument(help: "Generation ids.") var ids: [String]

        func run() async throws {
            try await change(server, collection, CollectionRequest(add: ids))
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take generations out of a collection (they stay in the archive).")
        @OptionGroup var server: ServerOptions
        @Argument(help: "The collection's name or id.") var collection: String
        @Argument(help: "Generation ids.") var ids: [String]

        func run() async throws {
            try await change(server, collection, CollectionRequest(remove: ids))
        }
    }

    struct Rename: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rename a collection, or change its description.")
        @OptionGroup var server: ServerOptions
        @Argument(help: "The collection's name or id.") var collection: String
        @Argument(help: "The new name.") var name: String?
        @Option(help: "A new description (\"\" clears it).") var description: String?

        func run() async throws {
            let described: String?? = description.map { $0.isEmpty ? .some(nil) : .some($0) } ?? .none
            try await change(server, collection, CollectionRequest(name: name, description: described))
        }
    }

    struct Share: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make one link to a page of the collection's finished videos.",
            discussion: "The link is printed once: EachVault keeps only its hash. `eachvault unshare` ends it.")
        @OptionGroup var server: ServerOptions
        @Argument(help: "The collection's name or id.") var collection: String
        @Option(help: "How long it works: 30m, 12h, 7d, or seconds (default 7d).") var expires: String?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let lifetime = try ShareCommand.lifetime(expires)
            let id = try await resolve(server, collection).id
            try ShareCommand.report(try await server.client.shareCollection(id: id, expiresInS: lifetime), json: json)
        }
    }

    struct Shares: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a collection's share links.")
        @OptionGroup var server: ServerOptions
        @Argument(help: "The collection's name or id.") var collection: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let id = try await resolve(server, collection).id
            try SharesCommand.list(try await server.client.collectionShares(id: id), json: json)
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a collection and its links; its generations stay in the archive.")
        @OptionGroup var server: ServerOptions
        @Argument(help: "The collection's name or id.") var collection: String

        func run() async throws {
            let found = try await resolve(server, collection)
            try await server.client.deleteCollection(id: found.id)
            print("deleted \(found.id) \(found.name)")
        }
    }
}

/// The team's collection with this name or id, or a clear error.
func resolve(_ server: ServerOptions, _ reference: String) async throws -> CollectionView {
    guard let found = try await server.client.collection(named: reference) else {
        throw ValidationError("the team has no collection named '\(reference)' (`eachvault collection` lists them)")
    }
    return found
}

/// Sends a change to the named collection and says what it holds now.
private func change(_ server: ServerOptions, _ reference: String, _ request: CollectionRequest) async throws {
    let id = try await resolve(server, reference).id
    let changed = try await server.client.updateCollection(id: id, request)
    print("\(changed.id) \(changed.name): \(changed.itemCount) generations")
}
