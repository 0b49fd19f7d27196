import ArgumentParser
import Archive
import EachLabs
import Foundation
import Logging
import VaultAPI
import VaultRuntime
import Workers

struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Submit a generation to a running EachVault.")

    @OptionGroup var server: ServerOptions
    @Option(help: "Model slug, e.g. kling-v2-6-pro-text-to-video.") var model: String
    @Option(name: .customLong("input"), help: ArgumentHelp(
        "An input field as key=value (JSON values such as 5 or true are parsed); key=@path sends a local file.",
        discussion: "A local file is streamed into the archive, then uploaded through the provider's upload flow once."))
    var inputs: [String] = []
    @Option(help: "A JSON file holding the input object (fields from --input override it).") var inputJSON: String?
    @Option(name: .customLong("tag"), help: "A tag for the generation (repeatable).") var tags: [String] = []
    @Option(help: "Model version (default: the catalogue's).") var version: String?
    @Flag(help: "Wait until the video is archived, then print where it is.") var wait = false
    @Flag(help: "Generate anew even when an identical earlier request of the team would answer (another take).")
    var force = false
    @Flag(help: "Only check: validation, request key, exact match, similar prompts, cost estimate.") var dryRun = false
    @Flag(help: "Print the generation as JSON.") var json = false

    func run() async throws {
        var input: [String: JSONValue] = [:]
        if let inputJSON {
            let data = try Data(contentsOf: URL(fileURLWithPath: inputJSON))
            guard case .object(let fields) = try JSONDecoder().decode(JSONValue.self, from: data) else {
                throw ValidationError("\(inputJSON) must hold a JSON object")
            }
            input = fields
        }
        let client = server.client
        for pair in inputs {
            guard let equals = pair.firstIndex(of: "=") else { throw ValidationError("--input takes key=value, not '\(pair)'") }
            let value = String(pair[pair.index(after: equals)...])
            input[String(pair[..<equals])] = value.hasPrefix("@")
                ? .string(try await client.upload(file: Self.readableFile(String(value.dropFirst()))))
                : Self.parseValue(value)
        }
        let request = GenerationRequest(model: model, version: version, input: input, tags: tags.isEmpty ? nil : tags,
                                        dedup: force ? false : nil)
        if dryRun { return try printJSON(try await client.planGeneration(request)) }
        var generation = try await client.createGeneration(request)
        if let original = generation.deduplicatedFrom {
            FileHandle.standardError.write(Data("an identical request was made before: \(original) answers it (no new cost; --force to generate anew)\n".utf8))
        }
        if wait {
            let started = Date()
            generation = try await client.waitUntilFinal(id: generation.id) { current in
                let line = String(format: "\r%@  %-11@ %5.0fs", current.id, current.status.rawValue,
                                  Date().timeIntervalSince(started))
                FileHandle.standardError.write(Data(line.utf8))
            }
            FileHandle.standardError.write(Data("\n".utf8))
        }
        if json { return try printJSON(generation) }
        print(generation.details)
        // On the service's own machine, say where the verified bytes live.
        let home = URL(fileURLWithPath: ProcessInfo.processInfo.environment["EACHVAULT_HOME"] ?? "storage")
        for asset in generation.assets {
            let path = home.appending(path: "blobs/\(asset.sha256.prefix(2))/\(asset.sha256.dropFirst(2).prefix(2))/\(asset.sha256)")
            if FileManager.default.fileExists(atPath: path.path) {
                print("stored at:   \(path.path)  (sha256 \(asset.sha256), \(asset.size) bytes)")
            }
        }
        if wait && generation.status != .completed { throw ExitCode(1) }
    }

    /// The file `@path` names, checked before anything is sent.
    static func readableFile(_ path: String) throws -> URL {
        let url = URL(fileURLWithPath: (path as NSString).expandingTildeInPath)
        guard FileManager.default.isReadableFile(atPath: url.path) else { throw ValidationError("cannot read the file \(path)") }
        return url
    }

    /// `5` → 5, `true` → true, `[1,2]` → array; anything that is not JSON stays a string.
    static func parseValue(_ text: String) -> JSONValue {
        if let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) { return value }
        return .string(text)
    }
}

struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search the archive: prompts, models, titles, tags and notes, with filters.",
        discussion: """
            Words match as prefixes, "quoted words" as a phrase, -word excludes. Filters combine with the text and \
            with each other; results come a page at a time (--cursor continues, --all fetches every page).
            """)

    @OptionGroup var server: ServerOptions
    @Argument(help: "Words to look for.") var query: [String] = []
    @Option(help: "Only this model slug.") var model: String?
    @Option(help: "Only this status (pending, submitted, processing, downloading, completed, failed, cancelled).")
    var status: String?
    @Option(help: "Only generations with this tag.") var tag: String?
    @Option(help: "Only this category (text-to-video, image-to-video, ...).") var category: String?
    @Option(help: "Created on or after this day (2026-01-31) or time.") var from: String?
    @Option(help: "Created on or before this day or before this time.") var to: String?
    @Option(help: "At least this many seconds of video.") var minDuration: String?
    @Option(help: "At most this many seconds of video.") var maxDuration: String?
    @Option(help: "Video size: 1280x720, or the short side: 720p.") var resolution: String?
    @Option(help: "true: only videos with sound; false: only silent ones.") var hasAudio: String?
    @Option(help: "Cost at least this many USD.") var minCost: String?
    @Option(help: "Cost at most this many USD.") var maxCost: String?
    @Option(help: "Only videos made from this input file (its SHA-256).") var input: String?
    @Option(help: "At most this many results per page (1-500).") var limit = 20
    @Option(help: "Continue from the cursor an earlier page printed.") var cursor: String?
    @Flag(help: "Fetch every page.") var all = false
    @Flag(help: "Print JSON (one page, with next_cursor).") var json = false

    func run() async throws {
        var parameters: [(String, String?)] = [
            ("q", query.isEmpty ? nil : query.joined(separator: " ")), ("model", model), ("status", status),
            ("tag", tag), ("category", category), ("from", from), ("to", to), ("min_duration", minDuration),
            ("max_duration", maxDuration), ("resolution", resolution), ("has_audio", hasAudio), ("min_cost", minCost),
            ("max_cost", maxCost), ("input", input), ("limit", String(limit)), ("cursor", cursor),
        ]
        var page = try await server.client.search(parameters)
        if json { return try printJSON(page) }
        var items = page.items
        while all, let next = page.nextCursor {
            parameters[parameters.count - 1] = ("cursor", next)
            page = try await server.client.search(parameters)
            items += page.items
        }
        let highlight = isatty(STDOUT_FILENO) == 1 ? ("\u{1B}[1m", "\u{1B}[0m") : ("[", "]")
        var table = TextTable(["ID", "CREATED"] + GenerationView.tableHeader.prefix(6) + ["PROMPT"])
        for item in items {
            let prompt = item.snippet.map { Self.plainText(fromSnippet: $0, open: highlight.0, close: highlight.1) }
                ?? item.prompt.map { $0.count > 50 ? String($0.prefix(49)) + "…" : $0 } ?? "-"
            table.add([item.id, ISO8601DateFormatter().string(from: item.createdAt)] + item.tableRow.prefix(6) + [prompt])
        }
        print(table.render())
        print("\(items.count) result(s)" + (all ? "" : page.nextCursor.map { "; more with --cursor \($0)" } ?? ""))
    }

    /// The API's HTML snippet as terminal text: `<mark>` becomes `open`/`close`, entities are decoded.
    static func plainText(fromSnippet html: String, open: String, close: String) -> String {
        [("<mark>", open), ("</mark>", close), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"),
         ("&amp;", "&")].reduce(html) { $0.replacingOccurrences(of: $1.0, with: $1.1) }
    }
}

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
            let vault = try VaultApp.makeVault(try home.configuration(), logger: logger)
            guard let found = try vault.database.team(named: team) else { throw ValidationError("no team named \(team)") }
            results = await vault.importPredictions(predictionIDs, teamID: found.id, model: model)
        } else {
            results = try await server.client.importPredictions(predictionIDs, model: model)
        }
        if json { return try printJSON(results) }
        var table = TextTable(["PREDICTION", "OUTCOME", "GENERATION", "NOTE"])
        for result in results {
            table.add([result.predictionID, result.outcome, result.generationID ?? "-", result.message ?? ""])
        }
        print(table.render())
        if results.contains(where: { $0.outcome == "failed" || $0.outcome == "not_found" }) { throw ExitCode(1) }
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
        var table = TextTable([by.rawValue.uppercased(), "GENERATIONS", "SPENT USD", "UNKNOWN", "DEDUP HITS",
                               "SAVED USD", "RUN TIME"])
        for row in report.rows + [report.total] {
            table.add([row.key, String(row.generations), String(format: "%.2f", row.spentUSD), String(row.unknownCost),
                       String(row.dedupHits), String(format: "%.2f", row.savedUSD),
                       String(format: "%.0f s", row.predictTimeS)])
        }
        print(table.render())
    }
}

extension SpendGrouping: ExpressibleByArgument {}

struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show one generation with its assets and history.")

    @OptionGroup var server: ServerOptions
    @Argument(help: "The generation id.") var id: String
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let generation = try await server.client.generation(id: id)
        if json { return try printJSON(generation) }
        print(generation.details)
    }
}
