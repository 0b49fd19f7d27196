import Blobs
import EachLabs
import Foundation
import Simulator
import Storage
import TestSupport
import Testing
import Transport
import VaultAPIClient
import VaultContract

/// What the chaos tests share: the load (every prompted model, media inputs pointing at the simulator's samples,
/// eight clients at once) and the audit of what the archive ended with against what the simulator really did.
enum ChaosRun {
    /// `count` requests over every model with a prompt; media inputs point at the simulator's two sample images,
    /// so their downloads are in flight at every fault too, and each image must end up stored once.
    static func requests(_ count: Int, simulatorURL: String) throws -> [GenerationRequest] {
        // Models whose media fields take images: every input stored is one of the two sample images.
        let models = try Fixtures.catalogue.filter {
            $0.requestSchema.properties["prompt"] != nil && $0.requestSchema.takesOnlyImages
        }
        return (0..<count).map { index in
            let model = models[index % models.count]
            let sample =
                "\(simulatorURL)/_simulator/samples/"
                + (index % 2 == 0 ? "sample-first-frame.png" : "sample-last-frame.png")
            var input = model.requestSchema.replacingMediaInputs(in: minimalInput(for: model.requestSchema)) {
                $0.isHTTPURL ? sample : nil  // example URLs and schema defaults alike
            }
            input["prompt"] = .string("chaos run take \(index)")
            return GenerationRequest(model: model.slug, input: input)
        }
    }

    /// Eight clients submit `requests` at once (client `i` of eight takes every eighth, from `clients(i)`) while
    /// `meanwhile` runs with the progress to wait on.
    static func submit(
        _ requests: [GenerationRequest], clients: @escaping @Sendable (Int) -> VaultClient,
        meanwhile: @escaping @Sendable (SubmissionProgress) async throws -> Void
    ) async throws -> SubmissionProgress {
        let progress = SubmissionProgress()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for index in stride(from: worker, to: requests.count, by: 8) {
                        await submit(requests[index], to: clients(worker), progress)
                    }
                }
            }
            group.addTask { try await meanwhile(progress) }
            try await group.waitForAll()
        }
        return progress
    }

    /// Submits one request, retrying only when it certainly had no effect: it never arrived (the service was down),
    /// or the service answered 503 (its database was down: nothing was changed, try again).
    private static func submit(_ request: GenerationRequest, to client: VaultClient, _ progress: SubmissionProgress) async {
        while !Task.isCancelled {
            do {
                _ = try await client.createGeneration(request)
                await progress.record(accepted: true)
                return
            } catch let error as VaultUnreachable where !error.requestMayHaveBeenSent {
                try? await Task.sleep(for: .milliseconds(100))
            } catch let error as VaultClientError where error.status == 503 {
                try? await Task.sleep(for: .milliseconds(200))
            } catch {
                await progress.record(accepted: false, error)
                return
            }
        }
    }

    /// Waits (up to five minutes) until every generation in `store` is final and every input file stored.
    static func settle(_ store: any ArchiveStore) async throws {
        let deadline = ContinuousClock.now + .seconds(300)
        func settled() async throws -> Bool {
            let generations = try await store.searchGenerations(GenerationQuery(limit: 500))
            guard generations.allSatisfy(\.status.isFinal) else { return false }
            // Counted, not claimed: a claim would hold the row under this test's name, away from the instances.
            let depths = try await store.queueDepths(now: .distantFuture)
            return depths.first { $0.name == "input_downloads" }?.due == 0
        }
        let started = ContinuousClock.now
        while try await !settled() {
            guard ContinuousClock.now < deadline else { return }
            try await Task.sleep(for: .milliseconds(250))
        }
        print("chaos: settled \(ContinuousClock.now - started) after the last submission")
    }

    /// Every generation settled as its prediction did, at most one prediction each, nothing stored twice or lost;
    /// the run met the faults it claims to survive. `submitted` requests were sent, `accepted` surely arrived.
    static func audit(
        _ store: any ArchiveStore, blobs: BlobStore, truth: [PredictionTruth], submitted: Int, accepted: Int
    ) async throws {
        let all = try await store.searchGenerations(GenerationQuery(limit: 500))
        // A request cut off by a kill may or may not have been recorded before the process died.
        #expect(all.count >= accepted && all.count <= submitted)
        let unfinished = all.filter { !$0.status.isFinal }.map { "\($0.id) \($0.status)" }
        #expect(unfinished.isEmpty, "\(unfinished)")

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
                // Said as an uncertain create, or, when its webhook came before anyone saw the answer was lost (the
                // instance making the create was killed), as the prediction found through it.
                let events = try await store.generationDetail(id: generation.id)?.events.map(\.kind) ?? []
                #expect(
                    events.contains("create_uncertain") || events.contains("reconciled"),
                    "\(generation.id) does not say its create answer was lost")
            }
        }
        // Every prediction belongs to a generation of this archive: nothing was created that is not tracked.
        let orphans = Set(byGeneration.keys).subtracting(all.map(\.id))
        #expect(orphans.isEmpty, "predictions for generations the archive does not have: \(orphans)")
        #expect(Set(truth.map(\.id)).count == truth.count)
        // The run met the faults it claims to survive (each is drawn at a few percent, so a run may miss one kind of
        // failed prediction, never all of them).
        let failedKinds = [truth.contains { $0.fate == "error" }, truth.contains { $0.fate == "cancelled" }]
        #expect(
            truth.contains { $0.createLost } && failedKinds.contains(true) && Set(truth.map(\.webhook)).count >= 4,
            "the run met the faults it claims to survive")
        let statuses = Dictionary(grouping: all, by: \.status).mapValues(\.count)
        print(
            "chaos: \(all.count) generations \(statuses), \(truth.count) predictions, "
                + "\(truth.filter(\.createLost).count) lost create answers, webhook plans "
                + "\(Dictionary(grouping: truth, by: \.webhook).mapValues(\.count))")

        let report = await blobs.verify(try await store.allAssets())
        #expect(report.isClean)
        // Each distinct output is stored once, every stored blob belongs to a completed generation or is an input
        // image, and every input of an accepted request was stored: exactly the two sample images.
        let completed = try await store.generationDetails(all.filter { $0.status == .completed })
        // Inputs are fetched once the provider accepted a request: a generation that never got a prediction keeps
        // its input URLs unvisited.
        let inputs = try await store.generationDetails(all.filter { $0.predictionID != nil }).flatMap(\.inputs)
        #expect(!inputs.isEmpty && inputs.allSatisfy { $0.asset != nil }, "\(inputs.filter { $0.asset == nil }.map(\.input))")
        #expect(Set(inputs.compactMap(\.asset?.sha256)).count == 2)
        #expect(report.checked == Set(completed.flatMap { $0.outputs.compactMap(\.output.sha256) }).count + 2)
    }
}

actor SubmissionProgress {
    private var accepted = 0
    private var interrupted = 0
    private var waiters: [(Int, CheckedContinuation<Void, Never>)] = []
    /// The first few errors of interrupted requests, to tell a kill from a fault of the test's own making.
    private(set) var errors: [String] = []
    /// Requests the service answered with an error: no kill explains these.
    private(set) var refusals: [String] = []

    var counts: (accepted: Int, interrupted: Int) { (accepted, interrupted) }

    func record(accepted wasAccepted: Bool, _ error: (any Error)? = nil) {
        if wasAccepted { accepted += 1 } else { interrupted += 1 }
        if let error, errors.count < 5 { errors.append(String(describing: error)) }
        if let refusal = error as? VaultClientError { refusals.append(String(describing: refusal)) }
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
