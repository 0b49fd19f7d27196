import ArgumentParser
import Foundation
import Storage
import VaultAPIClient
import VaultRuntime

/// Offline administration of teams and tokens, straight on the archive's database.
struct TeamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "team", abstract: "Manage teams.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a team.")
        @OptionGroup var home: HomeOptions
        @Argument(help: "The team's name.") var name: String

        func run() async throws {
            let team = try await home.withStore { store, _ in try await store.createTeam(name: name, now: Date()) }
            print("created team \(team.name) (\(team.id))")
        }
    }
}

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Manage team API tokens.", subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token; it is printed once, only its hash is kept.")
        @OptionGroup var home: HomeOptions
        @Option(help: "The team the token acts for.") var team: String
        @Option(help: "A label, e.g. who or what uses it.") var name: String?
        @Option(help: "Grant a scope beyond the team's ordinary API (import: archive predictions made elsewhere).")
        var scope: [TokenScope] = []

        func run() async throws {
            let (token, info) = try await home.withStore { store, _ in
                try await store.createToken(teamName: team, label: name, scopes: Set(scope), now: Date())
            }
            FileHandle.standardError.write(Data("token \(info.id) for team \(info.team) (shown once; store it now):\n".utf8))
            print(token)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never their values).")
        @OptionGroup var home: HomeOptions

        func run() async throws {
            var table = TextTable(["ID", "TEAM", "NAME", "SCOPES", "CREATED", "LAST USED", "REVOKED"])
            for token in try await home.withStore({ store, _ in try await store.tokens() }) {
                table.add([
                    token.id, token.team, token.name ?? "-",
                    token.scopes.isEmpty ? "-" : token.scopes.map(\.rawValue).sorted().joined(separator: ","),
                    token.createdAt.formatted(.iso8601),
                    token.lastUsedAt?.formatted(.iso8601) ?? "-", token.revokedAt?.formatted(.iso8601) ?? "-",
                ])
            }
            print(table.render())
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token at once.")
        @OptionGroup var home: HomeOptions
        @Argument(help: "The token id (tok_...).") var id: String

        func run() async throws {
            try await home.withStore { store, _ in try await store.revokeToken(id: id, now: Date()) }
            print("revoked \(id)")
        }
    }
}

extension TokenScope: ExpressibleByArgument {}
