import ArgumentParser
import EachLabs
import Foundation
import VaultAPIClient
import VaultContract

struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Submit a generation to a running EachVault.")

    @OptionGroup var server: ServerOptions
    @Option(help: "Model slug, e.g. kling-v2-6-pro-text-to-video.") var model: String
    @Option(
        name: .customLong("input"),
        help: ArgumentHelp(
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
            let data = try Data(contentsOf: Self.readableFile(inputJSON))
            guard case .object(let fields) = try? JSONDecoder().decode(JSONValue.self, from: data) else {
                throw ValidationError("\(inputJSON) must hold a JSON object, such as {\"prompt\": \"a fox\"}")
            }
            input = fields
        }
        let client = try server.client
        for pair in inputs {
            guard let equals = pair.firstIndex(of: "=") else { throw ValidationError("--input takes key=value, not '\(pair)'") }
            let value = String(pair[pair.index(after: equals)...])
            input[String(pair[..<equals])] =
                value.hasPrefix("@")
                ? .string(try await client.upload(file: Self.readableFile(String(value.dropFirst()))).reference)
                : Self.parseValue(value)
        }
        let request = GenerationRequest(
            model: model, version: version, input: input, tags: tags.isEmpty ? nil : tags,
            dedup: force ? false : nil)
        if dryRun { return try printJSON(try await client.planGeneration(request)) }
        var generation = try await client.createGeneration(request)
        if let original = generation.deduplicatedFrom {
            FileHandle.standardError.write(
                Data("an identical request was made before: \(original) answers it (no new cost; --force to generate anew)\n".utf8))
        }
        let id = generation.id
        if wait {
            generation = try await InterruptNotice.whileWaiting(for: [id]) {
                try await WaitCommand.wait(for: [id], client: client)[0]
            }
        } else if !generation.status.isFinal {
            FileHandle.standardError.write(
                Data("submitted; follow it with: eachvault wait \(id)  (then eachvault download \(id))\n".utf8))
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
        guard FileManager.default.isReadableFile(atPath: url.path) else {
            let exists = FileManager.default.fileExists(atPath: url.path)
            throw ValidationError("cannot read the file \(url.path): \(exists ? "permission denied" : "no such file")")
        }
        return url
    }

    /// `5` → 5, `true` → true, `[1,2]` → array; anything that is not JSON stays a string.
    static func parseValue(_ text: String) -> JSONValue {
        if let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) { return value }
        return .string(text)
    }
}

struct ResendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resend",
        abstract: "Send again a create that may not have reached the provider.",
        discussion: """
            For a generation whose create was cut off (show says "uncertain") or that ended submit_uncertain. \
            EachVault does it by itself once the model would have finished with no trace of a prediction \
            (EACHVAULT_UNCERTAIN_CREATES=resend, the default); if the first create did reach the provider after \
            all, both predictions are archived, and both are paid for.
            """)

    @OptionGroup var server: ServerOptions
    @Argument(help: "The generation id.") var id: String

    func run() async throws {
        print(try await server.client.resendGeneration(id: id).details)
    }
}

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
