import ArgumentParser

@main
struct EachVaultCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eachvault",
        abstract: "Archive, search and serve videos generated with the each::labs API.",
        subcommands: [
            ServeCommand.self, DemoCommand.self, SimulatorCommand.self, GenerateCommand.self, SearchCommand.self,
            ShowCommand.self, ResendCommand.self, ImportCommand.self, SpendCommand.self, VerifyCommand.self, TeamCommand.self, TokenCommand.self,
            GCCommand.self,
            MigrateBlobsCommand.self, MigrateDatabaseCommand.self, BackupCommand.self, RestoreCommand.self, MCPCommand.self, EndpointCommand.self,
            PostersCommand.self,
        ])
}
