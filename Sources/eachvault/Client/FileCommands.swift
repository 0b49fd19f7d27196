import ArgumentParser
import Foundation
import VaultAPIClient
import VaultContract

struct DownloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "download", abstract: "Download generations' files, verified by SHA-256 and resumable.",
        discussion: """
            Files are named after the generation (ID.mp4, ID-2.mp4 for a second output). An interrupted download \
            leaves NAME.part, and the next run continues from it; a file already there with the right checksum is \
            left alone. Generations still running are waited for with --wait.
            """)

    @OptionGroup var server: ServerOptions
    @Argument(help: "Generation ids.") var ids: [String]
    @Option(name: .shortAndLong, help: "Folder to put the files in (default: the current one).") var output = "."
    @Flag(help: "Wait for generations that are not final yet.") var wait = false
    @Flag(help: "Print what was downloaded as JSON.") var json = false

    struct Saved: Encodable {
        var generation: String
        var path: String
        var sha256: String
        var size: Int64
        var resumedFrom: Int64

        enum CodingKeys: String, CodingKey {
            case generation, path, sha256, size
            case resumedFrom = "resumed_from"
        }
    }

    func run() async throws {
        let client = try server.client
        let folder = URL(fileURLWithPath: (output as NSString).expandingTildeInPath)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw ValidationError("cannot make the folder \(folder.path): \(error.localizedDescription)")
        }
        var saved: [Saved] = []
        for id in ids {
            var generation = try await client.generation(id: id)
            if wait && !generation.status.isFinal {
                generation = try await InterruptNotice.whileWaiting(for: [id]) {
                    try await WaitCommand.wait(for: [id], client: client)[0]
                }
            }
            guard !generation.assets.isEmpty else {
                throw ValidationError(
                    "\(id) has no stored file yet (\(generation.status.rawValue))"
                        + (generation.status.isFinal ? "" : "; --wait waits for it"))
            }
            for (index, asset) in generation.assets.enumerated() {
                let name = "\(id)\(index == 0 ? "" : "-\(index + 1)").\(Self.fileExtension(asset.contentType))"
                let file = try await client.download(sha256: asset.sha256, to: folder.appending(path: name))
                saved.append(
                    Saved(generation: id, path: file.path.path, sha256: file.sha256, size: file.size, resumedFrom: file.resumedFrom))
                if !json {
                    let how =
                        file.alreadyThere
                        ? "already there" : file.resumedFrom > 0 ? "resumed after \(file.resumedFrom) bytes" : "downloaded"
                    print("\(file.path.path)  \(file.size) bytes, sha256 \(file.sha256) (\(how), verified)")
                }
            }
        }
        if json { try printJSON(saved) }
    }

    static func fileExtension(_ contentType: String) -> String {
        switch contentType.split(separator: ";").first.map(String.init) ?? "" {
        case "video/mp4": "mp4"
        case "video/quicktime": "mov"
        case "video/webm": "webm"
        case "image/png": "png"
        case "image/jpeg": "jpg"
        case "image/webp": "webp"
        case "image/gif": "gif"
        case "audio/mpeg": "mp3"
        case "audio/wav", "audio/x-wav": "wav"
        default: "bin"
        }
    }
}

struct ShareCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "share", abstract: "Make a link that opens a generation's page and video without a token.",
        discussion: "The link is printed once: EachVault keeps only its hash. `eachvault unshare` ends it.")

    @OptionGroup var server: ServerOptions
    @Argument(help: "The generation id.") var id: String
    @Option(help: "How long it works: 30m, 12h, 7d, or seconds (default 7d).") var expires: String?
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let share = try await server.client.share(id: id, expiresInS: try Self.lifetime(expires))
        try Self.report(share, json: json)
    }

    /// `--expires` in seconds (nil: the server's default).
    static func lifetime(_ expires: String?) throws -> Double? {
        try expires.map { text in
            guard let seconds = Self.seconds(text) else {
                throw ValidationError("--expires takes 30m, 12h, 7d or a number of seconds, not '\(text)'")
            }
            return seconds
        }
    }

    /// The link on standard output (for scripts), its id and expiry on standard error.
    static func report(_ share: CreatedShare, json: Bool) throws {
        if json { return try printJSON(share) }
        print(share.url)
        FileHandle.standardError.write(
            Data("share \(share.id), until \(share.expiresAt.formatted(.iso8601)) (eachvault unshare \(share.id))\n".utf8))
    }

    /// `90`, `30m`, `12h`, `7d` in seconds; nil for anything else.
    static func seconds(_ text: String) -> Double? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        let (digits, unit) = text.last.flatMap { units[$0] }.map { (text.dropLast(), $0) } ?? (Substring(text), 1)
        guard let value = Double(digits), value.isFinite, value > 0, value < 1e9 else { return nil }
        return value * unit
    }
}

struct SharesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shares", abstract: "List a generation's share links (active, expired and revoked).")

    @OptionGroup var server: ServerOptions
    @Argument(help: "The generation id.") var id: String
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try Self.list(try await server.client.shares(id: id), json: json)
    }

    static func list(_ shares: [ShareView], json: Bool) throws {
        if json { return try printJSON(shares) }
        var table = TextTable(["SHARE", "STATE", "CREATED", "EXPIRES"])
        for share in shares {
            table.add([share.id, share.state, share.createdAt.formatted(.iso8601), share.expiresAt.formatted(.iso8601)])
        }
        print(table.render())
    }
}

struct UnshareCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unshare", abstract: "End share links at once (their ids: `eachvault shares ID` lists them).")

    @OptionGroup var server: ServerOptions
    @Argument(help: "Share ids.") var shareIDs: [String]

    func run() async throws {
        try await server.each(shareIDs, done: "revoked") { try await $0.revokeShare(id: $1) }
    }
}
