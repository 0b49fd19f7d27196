import EachLabs
import Foundation
import Logging
import Simulator
import UnixSignals
import VaultAPIClient
import VaultContract
import VaultRuntime
import Workers

/// `eachvault demo`: the whole system on loopback with no each::labs key. Starts the simulator and the service,
/// submits a text-to-video, an image-to-video and a transition, waits, prints what was archived, runs a search,
/// shows the stored input images, a deduplicated repeat and the spend report.
enum Demo {
    static let apiKey = "demo-key"

    static func run(_ base: VaultConfiguration, keepServing: Bool, print: @escaping (String) -> Void) async throws {
        var logger = Logger(label: "eachvault")
        logger.logLevel = .warning
        let signals: [UnixSignal] = keepServing ? [.sigint, .sigterm] : []
        let simulator = try await SimulatorApp.start(
            EachLabsSimulator(
                settings: SimulatorSettings(
                    apiKey: apiKey, runTime: .seconds(3),
                    webhookRetryInterval: .seconds(1))), signals: signals,
            logger: logger)
        var configuration = base
        configuration.apiKey = apiKey
        configuration.providerBaseURL = simulator.baseURL
        if configuration.publicURL == nil && configuration.listenPort != 0 {
            // Loopback is reachable from the simulator: completion arrives by signed webhook, polling is the net.
            configuration.publicURL = "http://\(configuration.listenHost):\(configuration.listenPort)"
        }
        var settings = WorkerSettings.quick
        settings.inputsFromPublicAddressesOnly = false  // the sample images come from the simulator, on loopback
        let (vault, server) = try await VaultApp.start(configuration, settings: settings, signals: signals, logger: logger)
        print("EachVault \(server.baseURL)  (data home \(configuration.home.path), simulator \(simulator.baseURL))")
        if try await vault.store.team(named: "demo") == nil { _ = try await vault.store.createTeam(name: "demo", now: Date()) }
        let token = try await vault.store.createToken(teamName: "demo", label: "demo run", now: Date()).token
        print("team demo, token for this run: export EACHVAULT_TOKEN=\(token)")

        let client = VaultClient(baseURL: server.baseURL, token: token)
        let sample = "\(simulator.baseURL)/_simulator/samples"
        let requests = [
            GenerationRequest(
                model: "kling-v2-6-pro-text-to-video",
                input: ["prompt": "A red fox trotting through fresh snow at dawn", "duration": "5"],
                tags: ["demo"]),
            GenerationRequest(
                model: "pixverse-v5-6-image-to-video",
                input: [
                    "prompt": "The test pattern slowly dissolves into ocean waves",
                    "image_url": .string("\(sample)/sample-first-frame.png"),
                ],
                tags: ["demo"]),
            GenerationRequest(
                model: "pixverse-v5-6-transition",
                input: [
                    "prompt": "A smooth morph between two test cards",
                    "first_image_url": .string("\(sample)/sample-first-frame.png"),
                    "end_image_url": .string("\(sample)/sample-last-frame.png"),
                    "aspect_ratio": "1:1",
                ],
                tags: ["demo"]),
        ]
        var submitted: [String] = []
        for request in requests {
            let generation = try await client.createGeneration(request)
            print("accepted \(generation.id)  \(generation.model)  [\(generation.status.rawValue)]")
            submitted.append(generation.id)
        }
        var table = TextTable(GenerationView.tableHeader)
        for id in submitted {
            table.add(try await client.waitUntilFinal(id: id).tableRow)
        }
        print("\n" + table.render())

        let hits = try await client.search(text: "fox snow")
        print("\nsearch \"fox snow\": \(hits.count) hit(s)" + hits.items.map { "\n  \($0.id)  \($0.prompt ?? "")" }.joined())

        // Lineage: the input images were stored too, content-addressed, and lead back to every video made from them.
        for input in try await client.generation(id: submitted[2]).inputs {
            print("input \(input.field) of \(submitted[2]): sha256 \(input.sha256 ?? "(still downloading)")")
        }
        // The same request again costs nothing: an identical earlier request of the team answers it.
        let repeated = try await client.createGeneration(requests[0])
        print("repeat of the first request: answered by \(repeated.deduplicatedFrom ?? repeated.id), no provider call")
        let spend = try await client.spend(groupBy: .model, from: nil, to: nil)
        print(
            String(
                format: "spend: %.2f USD over %d generation(s); deduplication saved %.2f USD",
                spend.total.spentUSD, spend.total.generations, spend.total.savedUSD))

        if keepServing {
            print("\nServing until Ctrl-C. Try: curl -s -H \"Authorization: Bearer $EACHVAULT_TOKEN\" '\(server.baseURL)/v1/generations?q=fox'")
            try await server.wait()
        } else {
            await server.stop()
        }
        await simulator.stop()
    }
}
