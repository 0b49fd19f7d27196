import ArgumentParser
import Foundation
import VaultAPIClient
import VaultContract

struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login", abstract: "Keep a team token for a server, so commands need no environment variables.",
        discussion: """
            The token is read from standard input when it is not a terminal (echo $TOKEN | eachvault login), else \
            asked for without echo; it is checked with the server, then kept in \
            $XDG_CONFIG_HOME/eachvault/config.toml (mode 0600), and the server becomes the current one. \
            EACHVAULT_URL and EACHVAULT_TOKEN still win over the login. An operator makes tokens with \
            `eachvault token create --team NAME`.
            """)

    @Option(help: "EachVault's URL (default $EACHVAULT_URL or http://127.0.0.1:8080).") var server: String?

    func run() async throws {
        let url = ServerOptions.normalised(
            server ?? ProcessInfo.processInfo.environment["EACHVAULT_URL"] ?? "http://127.0.0.1:8080")
        let token = try Self.readToken(for: url)
        let team = try await VaultClient(baseURL: url, token: token, requestTimeout: ServerOptions.requestTimeout).team()
        let location = ClientConfig.defaultLocation()
        var config = try ClientConfig.load(from: location)
        config.servers[url] = ClientConfig.Login(token: token, team: team.team)
        config.current = url
        try config.save(to: location)
        print("logged in to \(url) as team \(team.team) (kept in \(location.path))")
    }

    static func readToken(for url: String) throws -> String {
        let line: String?
        if isatty(STDIN_FILENO) == 1 {
            line = getpass("team token for \(url): ").map { String(cString: $0) }
        } else {
            line = Swift.readLine()
        }
        guard let token = line?.trimmingCharacters(in: .whitespacesAndNewlines), !token.isEmpty else {
            throw ValidationError("no token given (pipe it in, or type it at the prompt)")
        }
        return token
    }
}

struct LogoutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logout", abstract: "Forget the token kept for a server (default: the current one).")

    @Option(help: "The server to forget (default: the current one).") var server: String?

    func run() async throws {
        let location = ClientConfig.defaultLocation()
        var config = try ClientConfig.load(from: location)
        guard let url = server.map(ServerOptions.normalised) ?? config.current, config.servers[url] != nil else {
            throw ValidationError("no login is kept for \(server ?? "any server")")
        }
        config.servers[url] = nil
        if config.current == url { config.current = config.servers.keys.sorted().first }
        try config.save(to: location)
        print("logged out of \(url)")
    }
}

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Which server and team commands use, and the team's spend this month.")

    @OptionGroup var server: ServerOptions
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let (url, token, source) = try server.resolved()
        let team = try await VaultClient(baseURL: url, token: token, requestTimeout: ServerOptions.requestTimeout).team()
        if json { return try printJSON(team) }
        let budget = team.budgetUSD.map { " of \(dollars($0))" } ?? " (no budget)"
        let storage = team.storageLimitBytes.map { " of \(ByteCountFormatter.string(fromByteCount: $0, countStyle: .file))" } ?? ""
        print(
            """
            server:   \(url)
            team:     \(team.team)  (token from \(source))
            spend:    \(dollars(team.spentUSD))\(budget) this month (renews \(team.monthEnds.formatted(.iso8601.year().month().day())))
            storage:  \(ByteCountFormatter.string(fromByteCount: team.storageBytes, countStyle: .file))\(storage)
            """)
    }

    func dollars(_ usd: Double) -> String { String(format: "$%.2f", usd.isFinite ? usd : 0) }
}

struct CompletionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "completions", abstract: "Print the shell completion script for bash, zsh or fish.",
        discussion: """
            Install it where the shell looks: \
            bash: eachvault completions bash > /etc/bash_completion.d/eachvault (or ~/.local/share/bash-completion/completions/eachvault); \
            zsh: eachvault completions zsh > "${fpath[1]}/_eachvault"; \
            fish: eachvault completions fish > ~/.config/fish/completions/eachvault.fish
            """)

    @Argument(help: "bash, zsh or fish.") var shell: String

    func run() throws {
        guard let kind = CompletionShell(rawValue: shell) else {
            throw ValidationError("completions are made for bash, zsh and fish, not '\(shell)'")
        }
        print(EachVaultCommand.completionScript(for: kind))
    }
}
