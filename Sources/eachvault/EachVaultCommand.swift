import ArgumentParser

@main
struct EachVaultCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eachvault",
        abstract: "Archive, search and serve videos generated with the each::labs API.",
        discussion: """
            Client commands talk to a running EachVault: `eachvault login` keeps the server and token, or set \
            EACHVAULT_URL and EACHVAULT_TOKEN. Operator commands work on the data home (EACHVAULT_HOME).
            """,
        groupedSubcommands: [
            CommandGroup(
                name: "Generations",
                subcommands: [
                    GenerateCommand.self, WaitCommand.self, ShowCommand.self, SearchCommand.self, DownloadCommand.self,
                    CancelCommand.self, ResendCommand.self, TagCommand.self, NoteCommand.self, StarCommand.self,
                    DeleteCommand.self,
                ]),
            CommandGroup(
                name: "Sharing and the team",
                subcommands: [
                    ShareCommand.self, SharesCommand.self, UnshareCommand.self, CollectionCommand.self, ModelsCommand.self, ModelCommand.self,
                    SpendCommand.self, ImportCommand.self, EndpointCommand.self, TokensCommand.self, MCPCommand.self,
                ]),
            CommandGroup(
                name: "This machine",
                subcommands: [LoginCommand.self, LogoutCommand.self, StatusCommand.self, CompletionsCommand.self]),
            CommandGroup(
                name: "Operators",
                subcommands: [
                    ServeCommand.self, DemoCommand.self, SimulatorCommand.self, TeamCommand.self, TokenCommand.self,
                    VerifyCommand.self, GCCommand.self, MigrateBlobsCommand.self, MigrateDatabaseCommand.self,
                    BackupCommand.self, RestoreCommand.self, PostersCommand.self,
                ]),
        ])
}
