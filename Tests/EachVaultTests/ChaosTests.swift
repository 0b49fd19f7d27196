import Archive
import EachLabs
import Foundation
import Simulator
import Testing
import Transport
import VaultAPIClient
import VaultContract
import VaultRuntime
import Workers

/// Every fault at a few percent, the service killed with SIGKILL twice mid-run: nothing paid for is lost, nothing
/// is paid for twice. `EACHVAULT_CHAOS_GENERATIONS` sets the size (default 200).
@Suite struct ChaosTests {
    static let generations = Int(ProcessInfo.processInfo.environment["EACHVAULT_CHAOS_GENERATIONS"] ?? "") ?? 200

    @Test(.timeLimit(.minutes(10)))
    func twoHundredGenerationsSurviveFaultsAndTwoKills() async throws {
        let home = try TempDirectory()
        var faults = SimulatorFaults.everything(at: 0.03)
        faults.rateLimit = 0.02
        let simulator = EachLabsSimulator(
            settings: SimulatorSettings(
                apiKey: Harness.apiKey, runTime: .seconds(1), webhookRetryInterval: .milliseconds(300), faults: faults))
        let simulatorServer = try await SimulatorApp.start(simulator, logger: Harness.quietLogger)
        let service = ServiceProcess(
            home: home.url, port: try freeLoopbackPort(), providerURL: simulatorServer.baseURL,
            apiKey: Harness.apiKey)
        let database = try AppDatabase(path: home.url.appending(path: "eachvault.sqlite").path)
        _ = try await database.createTeam(name: "chaos", now: Date())
        let token = try await database.createToken(teamName: "chaos", label: nil, now: Date()).token
        try await service.start()
        let client = VaultClient(baseURL: service.baseURL, token: token)
        let models = try Fixtures.catalogue.filter { $0.requestSchema.properties["prompt"] != nil }

        // Eight clients submit at once while the service is killed twice, so creates, webhooks, polls and
        // downloads are all in flight at each kill.
        let progress = SubmissionProgress()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for index in stride(from: worker, to: Self.generations, by: 8) {
                        let model = models[index % models.count]
                        // Media inputs point at the simulator's two sample images: their downloads (lineage) are
                        // in flight at the kills too, and each image must end up stored once.
                        let sample =
                            "\(simulatorServer.baseURL)/_simulator/samples/"
                            + (index % 2 == 0 ? "sample-first-frame.png" : "sample-last-frame.png")
                        var input = model.requestSchema.replacingMediaInputs(in: minimalInput(for: model.requestSchema)) {
                            $0.isHTTPURL ? sample : nil  // example URLs and schema defaults alike
                        }
                        input["prompt"] = .string("chaos run take \(index)")
                        await Self.submit(GenerationRequest(model: model.slug, input: input), to: client, progress)
                    }
                }
            }
            group.addTask {
                for fraction in [1, 2] {
                    await progress.waitUntil(submitted: fraction * Self.generations / 3)
                    service.kill()
                    try await service.start()
                }
            }
            try await group.waitForAll()
        }
        let (accepted, interrupted) = await progress.counts
        #expect(accepted + interrupted == Self.generations)

        // Wait until the archive has settled every generation.
        let deadline = ContinuousClock.now + .seconds(300)
        var page = try await client.search(text: nil, limit: 500)
        while page.items.contains(where: { !$0.status.isFinal }) && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(250))
            page = try await client.search(text: nil, limit: 500)
        }
        // And until every input image is stored.
        while try await !database.dueFiles(.input, now: .distantFuture, limit: 1).isEmpty && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(250))
        }
        service.stop()
        await simulatorServer.stop()

        let blobs = try BlobStore(home: home.url)
        let all = try await database.searchGenerations(GenerationQuery(limit: 500))
        // A request cut off by a kill may or may not have been recorded before the process died.
        #expect(all.count >= accepted && all.count <= Self.generations)
        let unfinished = all.filter { !$0.status.isFinal }.map { "\($0.id) \($0.status)" }
        #expect(unfinished.isEmpty, "\(unfinished)")

        // Compare with what the simulator really did.
        let truth = await simulator.truth()
        let byGeneration = Dictionary(grouping: truth) { $0.webhookURL.map { String($0.split(separator: "/").last ?? "") } ?? "" }
        for generation in all {
            let predictions = byGeneration[generation.id] ?? []
            #expect(predictions.count <= 1, "\(generation.id) started \(predictions.count) predictions")
            guard let prediction = predictions.first else {
                // No prediction exists: only a create that never got through may end like this, and it says so.
                #expect(
                    generation.status == .failed && ["submit_failed", "submit_uncertain"].contains(generation.errorCode),
                    "\(generation.id) \(generation.status) \(generation.errorCode ?? "")")
                continue
            }
            if prediction.fate == "cancelled" && generation.predictionID == nil {
                // The one case nothing can reconcile: the create's answer was lost (dropped, or the service killed
                // mid-call) and a cancellation sends no webhook and leaves no entry in the webhook log. Nothing was
                // delivered, nothing resent.
                #expect(generation.status == .failed && generation.errorCode == "submit_uncertain")
                continue
            }
            #expect(generation.predictionID == prediction.id, "\(generation.id) lost track of \(prediction.id)")
            switch prediction.fate {
            case "success":
                #expect(
                    generation.status == .completed,
                    "\(generation.id) \(generation.status) \(generation.errorCode ?? "") \(generation.errorMessage ?? "")")
            case "error":
                #expect(generation.status == .failed && generation.errorCode == prediction.errorCode)
            default:
                #expect(generation.status == .cancelled)
            }
            if prediction.createLost {
                let events = try await database.generationDetail(id: generation.id)?.events.map(\.kind) ?? []
                #expect(events.contains("create_uncertain"), "\(generation.id) does not say its create answer was lost")
            }
        }
        #expect(truth.count == byGeneration.values.reduce(0) { $0 + $1.count })
        // The run did meet the faults it claims to survive.
        #expect(
            truth.contains { $0.createLost } && truth.contains { $0.fate == "error" }
                && truth.contains { $0.fate == "cancelled" } && Set(truth.map(\.webhook)).count >= 4)
        let statuses = Dictionary(grouping: all, by: \.status).mapValues(\.count)
        print(
            "chaos: \(all.count) generations \(statuses), \(truth.count) predictions, "
                + "\(truth.filter(\.createLost).count) lost create answers, webhook plans "
                + "\(Dictionary(grouping: truth, by: \.webhook).mapValues(\.count))")

        let report = try await blobs.verify(database.allAssets())
        #expect(report.isClean)
        // Each distinct output is stored once, every stored blob belongs to a completed generation or is an input
        // image, and every input of an accepted request was stored: exactly the two sample images.
        let completed = try await database.generationDetails(all.filter { $0.status == .completed })
        // Inputs are fetched once the provider accepted a request: a generation that never got a prediction keeps
        // its input URLs unvisited.
        let inputs = try await database.generationDetails(all.filter { $0.predictionID != nil }).flatMap(\.inputs)
        #expect(!inputs.isEmpty && inputs.allSatisfy { $0.asset != nil }, "\(inputs.filter { $0.asset == nil }.map(\.input))")
        #expect(Set(inputs.compactMap(\.asset?.sha256)).count == 2)
        #expect(report.checked == Set(completed.flatMap { $0.outputs.compactMap(\.output.sha256) }).count + 2)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: blobs.tempDirectory.path)
            .filter { $0.hasSuffix(".part") }
        #expect(leftovers.isEmpty, "\(leftovers)")
        await #expect(try database.integrityCheck())
    }
}

extension ChaosTests {
    /// Submits one request, retrying only when it certainly did not arrive (the service was down).
    static func submit(_ request: GenerationRequest, to client: VaultClient, _ progress: SubmissionProgress) async {
        while true {
            do {
                _ = try await client.createGeneration(request)
                await progress.record(accepted: true)
                return
            } catch let error as TransportError where !error.requestMayHaveBeenSent {
                try? await Task.sleep(for: .milliseconds(100))
            } catch {
                await progress.record(accepted: false)
                return
            }
        }
    }
}

actor SubmissionProgress {
    private var accepted = 0
    private var interrupted = 0
    private var waiters: [(Int, CheckedContinuation<Void, Never>)] = []

    var counts: (accepted: Int, interrupted: Int) { (accepted, interrupted) }

    func record(accepted wasAccepted: Bool) {
        if wasAccepted { accepted += 1 } else { interrupted += 1 }
        let done = accepted + interrupted
        waiters.removeAll { threshold, continuation in
            guard done >= threshold else { return false }
            continuation.resume()
            return true
        }
    }

    func waitUntil(submitted threshold: Int) async {
        if accepted + interrupted >= threshold { return }
        await withCheckedContinuation { waiters.append((threshold, $0)) }
    }
}
