import ArgumentParser
import Foundation
import VaultAPIClient
import VaultContract

/// The team's own tokens through the service, for a token with the `admin` scope (an operator's `eachvault token`
/// works on the data home instead, for any team).
struct TokensCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens", abstract: "Your team's tokens, through the service (needs a token with the admin scope).",
        subcommands: [List.self, Create.self, Revoke.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the team's tokens (never their values).")
        @OptionGroup var server: ServerOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let tokens = try await server.client.tokens()
            if json { return try printJSON(tokens) }
            var table = TextTable(["ID", "NAME", "SCOPES", "CREATED", "LAST USED", "REVOKED"])
            for token in tokens {
                table.add([
                    token.id, token.name ?? "-", token.scopes.isEmpty ? "-" : token.scopes.joined(separator: ","),
                    token.createdAt.formatted(.iso8601), token.lastUsedAt?.formatted(.iso8601) ?? "-",
                    token.revokedAt?.formatted(.iso8601) ?? "-",
                ])
            }
            print(table.render())
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a token of the team; it is printed once (no more scopes than your own).")
        @OptionGroup var server: ServerOptions
        @Option(help: "A label: who or what uses it.") var name: String?
        @Option(help: "A scope to grant (import, admin), if your token holds it.") var scope: [String] = []

        func run() async throws {
            let made = try await server.client.createToken(TokenRequest(name: name, scopes: scope))
            FileHandle.standardError.write(Data("token \(made.id) (shown once; store it now):\n".utf8))
            print(made.token ?? "")
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke team tokens at once (their sessions end too).")
        @OptionGroup var server: ServerOptions
        @Argument(help: "Token ids (tok_...).") var ids: [String]

        func run() async throws {
            try await server.each(ids, done: "revoked") { try await $0.revokeToken(id: $1) }
        }
    }
}
