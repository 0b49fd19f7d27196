import ArgumentParser
import Foundation
import VaultAPIClient
import VaultContract

struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search the archive: prompts, models, titles, tags and notes, with filters.",
        discussion: """
            Words match as prefixes, "quoted words" as a phrase, -word excludes (eachvault search fox -snow). Filters \
            combine with the text and with each other; results come a page at a time (--cursor continues, --all \
            fetches every page). A mistyped option is taken as a word to exclude, so check the spelling of options.
            """)

    @OptionGroup var server: ServerOptions
    @Argument(parsing: .allUnrecognized, help: "Words to look for; -word excludes one.") var query: [String] = []
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
    @Flag(help: "Only the team's favourites (eachvault star).") var favourite = false
    @Option(help: "Only the generations of this collection (its name or id).") var collection: String?
    @Option(help: "At most this many results per page (1-500).") var limit = 20
    @Option(help: "Continue from the cursor an earlier page printed.") var cursor: String?
    @Flag(help: "Fetch every page.") var all = false
    @Flag(help: "Print JSON (one page, with next_cursor).") var json = false

    func run() async throws {
        var collectionID: String?
        if let collection { collectionID = try await resolve(server, collection).id }
        var parameters: [(String, String?)] = [
            ("q", query.isEmpty ? nil : query.joined(separator: " ")), ("model", model), ("status", status),
            ("tag", tag), ("category", category), ("from", from), ("to", to), ("min_duration", minDuration),
            ("max_duration", maxDuration), ("resolution", resolution), ("has_audio", hasAudio), ("min_cost", minCost),
            ("max_cost", maxCost), ("input", input), ("favourite", favourite ? "true" : nil), ("limit", String(limit)),
            ("cursor", cursor), ("collection", collectionID),
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
            let prompt =
                item.snippetParts.map { parts in
                    parts.map { $0.match ? highlight.0 + $0.text + highlight.1 : $0.text }.joined()
                }
                ?? item.prompt.map { $0.count > 50 ? String($0.prefix(49)) + "…" : $0 } ?? "-"
            table.add([item.id, item.createdAt.formatted(.iso8601)] + item.tableRow.prefix(6) + [prompt])
        }
        print(table.render())
        print("\(items.count) result(s)" + (all ? "" : page.nextCursor.map { "; more with --cursor \($0)" } ?? ""))
    }
}
