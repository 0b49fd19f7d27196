import Foundation
import Simulator
import TestSupport
import Testing
import Transport

/// The real `eachvault` binary as a teammate uses it, against the in-process service and the simulator over loopback:
/// a login kept in a config file of its own, then every client command, and the messages a person acts on.
@Suite(.timeLimit(.minutes(5))) struct CLITests {
    static let model = "pixverse-v5-6-text-to-video"

    /// Runs the binary with only the environment a test gives it (no EACHVAULT_URL or token of the machine's).
    struct CLI {
        let config: TempDirectory
        var environment: [String: String]

        init(_ extra: [String: String] = [:]) throws {
            config = try TempDirectory()
            var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("EACHVAULT_") }
            environment["XDG_CONFIG_HOME"] = config.url.path
            environment["HOME"] = config.url.path
            environment["EACHVAULT_TIMEOUT"] = "120"  // a starved test process is not a server that hangs
            self.environment = environment.merging(extra) { $1 }
        }

        func run(_ arguments: [String], _ extra: [String: String] = [:]) async throws -> ChildResult {
            try await runChild([ServiceProcess.binary.path] + arguments, environment: environment.merging(extra) { $1 })
        }

        /// Runs and requires success; the standard output as text.
        func ok(_ arguments: [String], _ extra: [String: String] = [:]) async throws -> String {
            let result = try await run(arguments, extra)
            try #require(result.status == 0, "eachvault \(arguments.joined(separator: " ")): \(result.errors)")
            return String(decoding: result.output, as: UTF8.self)
        }
    }

    struct Made: Decodable {
        var id: String
        var status: String
        var tags: [String]
    }

    @Test func aTeammatesDayRunsThroughTheCommandLineWithoutCurl() async throws {
        try await withHarness { harness in
            let url = harness.server.baseURL
            let cli = try CLI()

            // Log in once: the token is checked, kept 0600 per server, and every later command finds it.
            let login = try await runChild(
                ["sh", "-c", #"printf '%s\n' "$T" | "$BIN" login --server "$URL""#],
                environment: cli.environment.merging(["T": harness.token, "BIN": ServiceProcess.binary.path, "URL": url]) { $1 })
            try #require(login.status == 0, "\(login.errors)")
            let file = cli.config.url.appending(path: "eachvault/config.toml")
            let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            #expect(try String(contentsOf: file, encoding: .utf8).contains("[servers.\"\(url)\"]"))
            #expect(try await cli.ok(["status"]).contains("team-a"))

            let models = try await cli.ok(["models", "--search", "pixverse"])
            #expect(models.contains(Self.model) && !models.contains("kling"))
            #expect(try await cli.ok(["model", Self.model]).contains("eachvault generate --model \(Self.model) --input prompt="))
            let typo = try await cli.run(["model", "pixverse-v5-6-text-to-vide"])
            #expect(typo.status != 0 && typo.errors.contains("did you mean") && typo.errors.contains(Self.model), "\(typo.errors)")

            // Generate, wait, download (verified), and resume an interrupted download.
            let created = try JSONDecoder().decode(
                Made.self,
                from: Data(try await cli.ok(["generate", "--model", Self.model, "--input", "prompt=a red fox in snow", "--json"]).utf8))
            #expect(try await cli.ok(["wait", created.id]).contains("completed"))
            let folder = try TempDirectory()
            #expect(try await cli.ok(["download", created.id, "-o", folder.url.path]).contains("downloaded, verified"))
            let video = folder.url.appending(path: "\(created.id).mp4")
            let whole = try Data(contentsOf: video)
            let sha256 = try FileDigest.sha256(of: video).sha256
            try whole.prefix(whole.count / 2).write(to: video.appendingPathExtension("part"))
            try FileManager.default.removeItem(at: video)
            let resumed = try await cli.ok(["download", created.id, "-o", folder.url.path])
            // The kept prefix is cut to whole blocks (direct I/O), then continued from there.
            let kept = try #require(resumed.firstMatch(of: #/resumed after (\d+) bytes/#).flatMap { Int($0.1) }, "\(resumed)")
            #expect(kept > 0 && kept <= whole.count / 2)
            #expect(try FileDigest.sha256(of: video).sha256 == sha256)
            #expect(try await cli.ok(["download", created.id, "-o", folder.url.path]).contains("already there"))

            // Tags with signs (a leading minus is a word, not an option), a note, and search words that exclude.
            _ = try await cli.ok(["tag", created.id, "+client-a", "+draft"])
            let tagged = try JSONDecoder().decode(
                Made.self, from: Data(try await cli.ok(["tag", created.id, "-draft", "+final", "--json"]).utf8))
            #expect(Set(tagged.tags) == ["client-a", "final"])
            _ = try await cli.ok(["note", created.id, "the one the client picked"])
            #expect(try await cli.ok(["show", created.id]).contains("the one the client picked"))
            #expect(!(try await cli.ok(["search", "--favourite"])).contains(created.id))
            _ = try await cli.ok(["star", created.id])
            #expect(try await cli.ok(["search", "--favourite"]).contains(created.id))
            _ = try await cli.ok(["star", "--off", created.id])
            #expect(!(try await cli.ok(["search", "--favourite"])).contains(created.id))
            let search = try await cli.ok(["search", "fox", "-lighthouse"])
            #expect(search.contains(created.id))
            #expect(!(try await cli.ok(["search", "fox", "-snow"])).contains(created.id))

            // Share, list, revoke.
            let shared = try await cli.run(["share", created.id, "--expires", "1h"])
            #expect(shared.status == 0 && String(decoding: shared.output, as: UTF8.self).hasPrefix("\(url)/s/"))
            let shareID = try #require(shared.errors.firstMatch(of: #/share (\S+),/#)?.1).description
            #expect(try await cli.ok(["shares", created.id]).contains("\(shareID)  active"))
            _ = try await cli.ok(["unshare", shareID])
            #expect(try await cli.ok(["shares", created.id]).contains("\(shareID)  revoked"))

            // A collection, named by its name: made, searched, shared as one link, renamed, emptied, deleted.
            #expect(try await cli.ok(["collection", "create", "coast reel", created.id]).contains("coast reel: 1 generations"))
            #expect(try await cli.ok(["collection"]).contains("coast reel"))
            #expect(try await cli.ok(["search", "--collection", "coast reel"]).contains(created.id))
            let reelLink = try await cli.run(["collection", "share", "coast reel", "--expires", "1d"])
            #expect(reelLink.status == 0 && String(decoding: reelLink.output, as: UTF8.self).hasPrefix("\(url)/s/"))
            #expect(try await cli.ok(["collection", "shares", "coast reel"]).contains("active"))
            _ = try await cli.ok(["collection", "rename", "coast reel", "coast"])
            #expect(try await cli.ok(["collection", "remove", "coast", created.id]).contains("coast: 0 generations"))
            let unknown = try await cli.run(["collection", "add", "no such reel", created.id])
            #expect(unknown.status != 0 && unknown.errors.contains("no collection named 'no such reel'"), "\(unknown.errors)")
            #expect(try await cli.ok(["collection", "delete", "coast"]).contains("deleted col_"))

            // Cancel of a finished generation says so; delete ends it.
            let late = try await cli.run(["cancel", created.id])
            #expect(late.status != 0 && late.errors.contains("ended before the cancel"), "\(late.errors)")
            _ = try await cli.ok(["delete", created.id])
            #expect(try await cli.run(["show", created.id]).errors.contains("not found"))

            // Messages a person can act on.
            let refused = try await cli.run(["status"], ["EACHVAULT_TOKEN": "evt_not-a-real-token"])
            #expect(refused.errors.contains("refused the team token"), "\(refused.errors)")
            _ = try await cli.ok(["logout"])
            let missing = try await cli.run(["status", "--server", url])
            #expect(missing.errors.contains("no team token was sent"), "\(missing.errors)")
            let down = try await cli.run(["status", "--server", "http://127.0.0.1:9"])
            #expect(down.errors.contains("cannot reach EachVault at http://127.0.0.1:9"), "\(down.errors)")
            let noFile = try await cli.run(["generate", "--model", Self.model, "--input-json", "/nonexistent/input.json"])
            #expect(noFile.errors.contains("/nonexistent/input.json: no such file"), "\(noFile.errors)")
            #expect(try await cli.ok(["completions", "bash"]).contains("-F _eachvault eachvault"))

            // The team's tokens through the service: an admin token's (an ordinary one is told which scope it lacks).
            let ordinary = try await cli.run(["tokens"], ["EACHVAULT_TOKEN": harness.token, "EACHVAULT_URL": url])
            #expect(ordinary.status != 0 && ordinary.errors.contains("admin"), "\(ordinary.errors)")
            let (admin, _) = try await harness.makeClient(team: "team-a", scopes: [.admin])
            let asAdmin = ["EACHVAULT_TOKEN": admin, "EACHVAULT_URL": url]
            let made = try await cli.run(["tokens", "create", "--name", "render-box"], asAdmin)
            let tokenID = try #require(made.errors.firstMatch(of: #/token (tok_\w+)/#)?.1).description
            #expect(made.status == 0 && String(decoding: made.output, as: UTF8.self).hasPrefix("evt_"))
            #expect(try await cli.ok(["tokens", "list"], asAdmin).contains("render-box"))
            #expect(try await cli.ok(["tokens", "revoke", tokenID], asAdmin).contains("\(tokenID) revoked"))
        }
    }

    @Test func cancelStopsThePredictionAtTheProviderAndCtrlCDuringAWaitSaysHowToFollow() async throws {
        var simulator = Harness.simulatorSettings
        simulator.runTime = .seconds(120)
        try await withHarness(simulator: simulator) { harness in
            let cli = try CLI(["EACHVAULT_URL": harness.server.baseURL, "EACHVAULT_TOKEN": harness.token])
            let id = try JSONDecoder().decode(
                Made.self,
                from: Data(try await cli.ok(["generate", "--model", Self.model, "--input", "prompt=a long one", "--json"]).utf8)
            ).id
            try await harness.waitUntilSubmitted([id])

            // Ctrl-C during a wait: the command says the generation goes on and how to follow it.
            let log = harness.home.url.appending(path: "wait.log")
            let waiting = try SpawnedProcess(
                [ServiceProcess.binary.path, "wait", id], environment: cli.environment, errorLog: log)
            try await eventually(timeout: .seconds(30)) {
                (try? String(contentsOf: log, encoding: .utf8))?.contains(id) ?? false
            }
            #expect(waiting.stop(SIGINT) == 130)
            let notice = try String(contentsOf: log, encoding: .utf8)
            #expect(notice.contains("the generation goes on") && notice.contains("eachvault wait \(id)"), "\(notice)")

            #expect(try await cli.ok(["cancel", id]).contains("\(id) cancelled"))
            #expect(try await cli.ok(["cancel", id]).contains("\(id) cancelled"), "idempotent")
            let generation = try #require(try await harness.vault.store.generation(id: id))
            #expect(generation.status == .cancelled)
            let stats = await harness.simulator.stats()
            #expect(stats.cancels == 1, "one cancel at the provider; the second answered from the archive")
            #expect(await harness.simulator.truth().first { $0.id == generation.predictionID }?.fate == "cancelled")
            let waited = try await cli.run(["wait", id])
            #expect(waited.status == 2, "a cancelled generation's exit status")
        }
    }
}
