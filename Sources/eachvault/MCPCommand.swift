import ArgumentParser
import VaultMCP

struct MCPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Serve the team's archive to an AI agent: a Model Context Protocol server over stdio.",
        discussion: """
            Talks to a running EachVault ($EACHVAULT_URL) with a team token ($EACHVAULT_TOKEN). Tools: list_models, \
            describe_model, plan_generation, generate (optionally waiting, with progress), get_generation, \
            search_generations, create_share, report_spend; resources eachvault://generations/{id}.
            """)
    @OptionGroup var server: ServerOptions

    func run() async throws {
        try await VaultMCPServer.run(client: try server.client)
    }
}
