import ArgumentParser
import Foundation
import Storage
import VaultAPIClient
import VaultRuntime
import Workers

/// Offline administration of teams and tokens, straight on the archive's database.
struct TeamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "team", abstract: "Manage teams and their budgets.", subcommands: [Create.self, Update.self, List.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a team.")
        @OptionGroup var home: HomeOptions
        @Argument(help: "The team's name.") var name: String

        func run() async throws {
            let team = try await home.withStore { store, _ in try await store.createTeam(name: name, now: Date()) }
            print("created team \(team.name) (\(team.id))")
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set or clear a team's monthly spend limit and storage limit.",
            discussion: """
                A create whose estimate would take the team past its budget this month (UTC) is refused with 402 \
                before the provider is called; a team whose files take its storage limit gets 507 for new creates, \
                and its downloads wait (for at most a minute after the limit is raised).
                """)
        @OptionGroup var home: HomeOptions
        @Argument(help: "The team's name.") var name: String
        @Option(help: "The monthly spend limit in US dollars.") var budgetUSD: Double?
        @Flag(help: "Remove the spend limit.") var noBudget = false
        @Option(help: "The storage limit in gigabytes (10^9 bytes).") var storageGB: Double?
        @Flag(help: "Remove the storage limit.") var noStorageLimit = false

        func validate() throws {
            if let budgetUSD, !(budgetUSD.isFinite && (0...1_000_000_000).contains(budgetUSD)) {
                throw ValidationError("--budget-usd must be a number of dollars from 0 to 1000000000")
            }
            if let storageGB, !(storageGB.isFinite && (0...1_000_000_000).contains(storageGB)) {
                throw ValidationError("--storage-gb must be a number of gigabytes from 0 to 1000000000")
            }
            if noBudget && budgetUSD != nil { throw ValidationError("--budget-usd and --no-budget contradict each other") }
            if noStorageLimit && storageGB != nil {
                throw ValidationError("--storage-gb and --no-storage-limit contradict each other")
            }
            if budgetUSD == nil && storageGB == nil && !noBudget && !noStorageLimit {
                throw ValidationError("nothing to change: give --budget-usd, --storage-gb, --no-budget or --no-storage-limit")
            }
        }

        func run() async throws {
            let budget: Double?? = noBudget ? .some(nil) : budgetUSD.map { .some($0) }
            let storage: Int64?? = noStorageLimit ? .some(nil) : storageGB.map { .some(Int64(($0 * 1e9).rounded())) }
            let team = try await home.withStore { store, _ in
                try await store.setTeamLimits(name: name, budgetUSD: budget, storageLimitBytes: storage)
            }
            guard let team else { throw TeamError.unknownTeam(name) }
            print("team \(team.name): \(TeamLimitsText.budget(team.budgetUSD)), \(TeamLimitsText.storage(team.storageLimitBytes))")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List teams with their limits and this month's use.")
        @OptionGroup var home: HomeOptions

        func run() async throws {
            var table = TextTable(["NAME", "ID", "SPENT THIS MONTH", "BUDGET", "STORAGE", "STORAGE LIMIT"])
            let monthStart = Vault.month(of: Date()).start
            try await home.withStore { store, _ in
                for team in try await store.teams() {
                    let spent = try await store.monthSpend(teamID: team.id, since: monthStart)
                    let bytes = try await store.storageBytes(teamID: team.id)
                    table.add([
                        team.name, team.id, String(format: "$%.2f", spent),
                        team.budgetUSD.map { String(format: "$%.2f", $0) } ?? "-", TeamLimitsText.gigabytes(bytes),
                        team.storageLimitBytes.map(TeamLimitsText.gigabytes) ?? "-",
                    ])
                }
            }
            print(table.render())
        }
    }
}

/// How the team commands print limits.
enum TeamLimitsText {
    static func budget(_ usd: Double?) -> String { usd.map { String(format: "budget $%.2f a month", $0) } ?? "no budget" }
    static func storage(_ bytes: Int64?) -> String { bytes.map { "storage limit " + gigabytes($0) } ?? "no storage limit" }
    static func gigabytes(_ bytes: Int64) -> String { String(format: "%.2f GB", Double(bytes) / 1e9) }
}

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Manage team API tokens.", subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token; it is printed once, only its hash is kept.")
        @OptionGroup var home: HomeOptions
        @Option(help: "The team the token acts for.") var team: String
        @Option(help: "A label, e.g. who or what uses it.") var name: String?
        @Option(
            help: "Grant a scope beyond the team's ordinary API (import: archive predictions made elsewhere; admin: manage the team's own tokens).")
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
            for token in try await home.withStore({ store, _ in try await store.tokens(teamID: nil) }) {
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
