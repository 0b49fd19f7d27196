import ArgumentParser
import Foundation
import Logging
import Storage
import VaultAPIClient
import VaultContract
import VaultDomain
import VaultRuntime
import Workers

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Archive predictions made outside EachVault (their input, outputs and cost).",
        discussion: """
            Through the running service for the token's team, or with --team directly into the data home (as an \
            operator, with EACHLABS_API_KEY set; the service downloads the outputs). Importing a prediction twice \
            is a no-op. The provider's read does not name the model: pass --model to record it.
            """)

    @OptionGroup var server: ServerOptions
    @OptionGroup var home: HomeOptions
    @Argument(help: "Prediction ids.") var predictionIDs: [String]
    @Option(help: "Import into this team directly (operator mode) instead of through the service.") var team: String?
    @Option(help: "The model the predictions ran (recorded, and used to find media inputs).") var model: String?
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let results: [ImportResult]
        if let team {
            var logger = Logger(label: "eachvault")
            logger.logLevel = .warning
            results = try await home.withStore { store, configuration in
                let vault = try VaultApp.makeVault(configuration, store: store, logger: logger)
                guard let found = try await store.team(named: team) else { throw ValidationError("no team named \(team)") }
                return await vault.importPredictions(predictionIDs, teamID: found.id, model: model)
            }
        } else {
            results = try await server.client.importPredictions(predictionIDs, model: model)
        }
        if json { return try printJSON(results) }
        var table = TextTable(["PREDICTION", "OUTCOME", "GENERATION", "NOTE"])
        for result in results {
            table.add([result.predictionID, result.outcome.rawValue, result.generationID ?? "-", result.message ?? ""])
        }
        print(table.render())
        if results.contains(where: { $0.outcome == .failed || $0.outcome == .notFound }) { throw ExitCode(1) }
    }
}

struct SpendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spend", abstract: "What the token's team spent at the provider, and what deduplication saved.")

    @OptionGroup var server: ServerOptions
    @Option(help: "Group by model, day or tag.") var by: SpendGrouping = .model
    @Option(help: "From this day (2026-01-31).") var from: String?
    @Option(help: "To this day, inclusive.") var to: String?
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let report = try await server.client.spend(groupBy: by, from: from, to: to)
        if json { return try printJSON(report) }
        var table = TextTable([
            by.rawValue.uppercased(), "GENERATIONS", "SPENT USD", "UNKNOWN", "DEDUP HITS",
            "SAVED USD", "RUN TIME",
        ])
        for row in report.rows + [report.total] {
            table.add([
                row.key, String(row.generations), String(format: "%.2f", row.spentUSD), String(row.unknownCost),
                String(row.dedupHits), String(format: "%.2f", row.savedUSD),
                String(format: "%.0f s", row.predictTimeS),
            ])
        }
        print(table.render())
    }
}

extension SpendGrouping: ExpressibleByArgument {}
