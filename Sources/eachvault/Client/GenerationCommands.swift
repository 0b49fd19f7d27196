import ArgumentParser
import Foundation
import VaultAPIClient
import VaultContract

struct WaitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wait", abstract: "Wait until generations are final, showing their progress.",
        discussion: """
            Exit status: 0 when every one completed, 1 when one failed, 2 when one was cancelled (and none failed). \
            Ctrl-C stops only the waiting.
            """)

    @OptionGroup var server: ServerOptions
    @Argument(help: "Generation ids.") var ids: [String]
    @Flag(help: "Print the final generations as JSON.") var json = false

    func run() async throws {
        let client = try server.client
        let finals = try await InterruptNotice.whileWaiting(for: ids) { try await Self.wait(for: ids, client: client) }
        if json { try printJSON(finals) } else { print(Self.table(finals)) }
        throw ExitCode(Self.exitStatus(finals))
    }

    /// Polls the service until every generation is final, one progress line per generation on a terminal.
    static func wait(for ids: [String], client: VaultClient) async throws -> [GenerationView] {
        let started = Date()
        var finals: [GenerationView] = []
        for id in ids {
            finals.append(
                try await client.waitUntilFinal(id: id) { current in
                    let line = String(
                        format: "\r%@  %-11@ %5.0fs", current.id, current.status.rawValue, Date().timeIntervalSince(started))
                    FileHandle.standardError.write(Data(line.utf8))
                })
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return finals
    }

    static func table(_ generations: [GenerationView]) -> String {
        var table = TextTable(["ID"] + GenerationView.tableHeader)
        for generation in generations { table.add([generation.id] + generation.tableRow) }
        return table.render()
    }

    static func exitStatus(_ finals: [GenerationView]) -> Int32 {
        if finals.contains(where: { $0.status == .failed }) { return 1 }
        if finals.contains(where: { $0.status == .cancelled }) { return 2 }
        return 0
    }
}

struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel", abstract: "Cancel a generation (at the provider when it runs there).",
        discussion: "Cancelling one already cancelled is fine; one that already ended says so (exit status 1).")

    @OptionGroup var server: ServerOptions
    @Argument(help: "The generation id.") var id: String
    @Flag(help: "Print the generation as JSON.") var json = false

    func run() async throws {
        let generation = try await server.client.cancelGeneration(id: id)
        if json { return try printJSON(generation) }
        print(
            generation.status == .cancelled
                ? "\(id) cancelled"
                : "\(id): the provider is stopping it (eachvault wait \(id) follows it to the end)")
    }
}

struct DeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Delete generations from the team's archive.",
        discussion: """
            What they cost stays in the month's spend. Their files stay while another generation or team holds \
            them (`eachvault gc` removes the rest).
            """)

    @OptionGroup var server: ServerOptions
    @Argument(help: "Generation ids.") var ids: [String]

    func run() async throws {
        try await server.each(ids, done: "deleted") { try await $0.deleteGeneration(id: $1) }
    }
}

struct TagCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tag", abstract: "Add and remove a generation's tags: +tag adds, -tag removes.",
        discussion: """
            A word without a sign adds it too. At most 16 tags of at most 64 bytes each. Example: \
            eachvault tag gen_123 +client-a -draft
            """)

    @OptionGroup var server: ServerOptions
    @Argument(help: "The generation id.") var id: String
    @Argument(parsing: .allUnrecognized, help: "+tag to add, -tag to remove.") var edits: [String] = []
    @Flag(help: "Print the generation as JSON.") var json = false

    func validate() throws {
        guard !edits.isEmpty else { throw ValidationError("name a tag to add (+tag) or remove (-tag)") }
    }

    func run() async throws {
        let removing = edits.filter { $0.hasPrefix("-") }.map { String($0.dropFirst()) }
        let adding = edits.filter { !$0.hasPrefix("-") }.map { $0.hasPrefix("+") ? String($0.dropFirst()) : $0 }
        let generation = try await server.client.annotate(
            id: id, AnnotationRequest(addTags: adding, removeTags: removing))
        if json { return try printJSON(generation) }
        print("\(id): \(generation.tags.isEmpty ? "no tags" : generation.tags.joined(separator: ", "))")
    }
}

struct StarCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "star", abstract: "Mark generations as the team's favourites (--off takes the mark off).",
        discussion: "`eachvault search --favourite` lists them; so does the gallery's ★ filter.")

    @OptionGroup var server: ServerOptions
    @Argument(help: "Generation ids.") var ids: [String]
    @Flag(help: "Take the mark off instead.") var off = false

    func run() async throws {
        try await server.each(ids, done: off ? "no longer a favourite" : "marked a favourite") {
            _ = try await $0.annotate(id: $1, AnnotationRequest(favourite: !off))
        }
    }
}

struct NoteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "note", abstract: "Set a generation's note (--clear removes it).")

    @OptionGroup var server: ServerOptions
    @Argument(help: "The generation id.") var id: String
    @Argument(help: "The note (quote it).") var text: String?
    @Flag(help: "Remove the note.") var clear = false

    func validate() throws {
        guard (text == nil) == clear else { throw ValidationError("give the note's text, or --clear (not both)") }
    }

    func run() async throws {
        _ = try await server.client.annotate(id: id, AnnotationRequest(note: .some(clear ? nil : text)))
        print(clear ? "\(id): note removed" : "\(id): note saved")
    }
}
