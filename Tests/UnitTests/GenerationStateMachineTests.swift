@testable import Storage
import EachLabs
import Foundation
@testable import StoreSQLite
import Synchronization
import TestSupport
import Testing

/// The generation state machine on an in-memory database: every transition of submission, polling, webhooks,
/// adoption, uncertain creates and downloads, in milliseconds and without a server.
@Suite(.timeLimit(.minutes(5))) struct GenerationStateMachineTests {
    let database: AppDatabase
    let team: String
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    init() async throws {
        database = try AppDatabase.inMemory()
        team = try await database.createTeam(name: "t", now: start).id
    }

    private func pending(_ id: String = "gen_1", secret: String? = "whsec_x") async throws -> Generation {
        try await database.insertGeneration(
            Generation(
                id: id, teamID: team, model: "m", version: "1", input: ["prompt": "a fox"], tags: [], webhookSecret: secret,
                now: start))
    }

    private func submitted(_ id: String = "gen_1", prediction: String = "p_1") async throws -> Generation {
        _ = try await pending(id)
        await #expect(try database.beginSubmission(id: id, now: start))
        try await database.recordSubmitted(id: id, predictionID: prediction, now: start, firstPollAt: start)
        return try await #require(try database.generation(id: id))
    }

    private func events(_ id: String = "gen_1") async throws -> [String] {
        try #require(try await database.generationDetail(id: id)).events.map(\.kind)
    }

    @Test func aCreateIsBegunOnceAndRecordedWithItsPrediction() async throws {
        _ = try await pending()
        await #expect(try database.beginSubmission(id: "gen_1", now: start))
        await #expect(try database.beginSubmission(id: "gen_1", now: start) == false, "a create in flight is not begun twice")
        await #expect(try database.interruptedSubmissions(processStart: start, now: start).isEmpty, "in flight here")
        let restart = start.addingTimeInterval(1)
        await #expect(
            try database.interruptedSubmissions(processStart: restart, now: restart).map(\.id) == ["gen_1"],
            "a crash now is found on restart")
        try await database.recordSubmitted(id: "gen_1", predictionID: "p_1", now: start, firstPollAt: start)
        let generation = try await #require(try database.generation(id: "gen_1"))
        #expect(generation.status == .submitted && generation.predictionID == "p_1")
        await #expect(try database.interruptedSubmissions(processStart: restart, now: restart).isEmpty)
        await #expect(try database.duePolls(now: start, limit: 10).map(\.id) == ["gen_1"])
    }

    @Test func pollsMoveAGenerationThroughRunningToDownloading() async throws {
        _ = try await submitted()
        try await database.recordPoll(
            id: "gen_1", outcome: .running(providerStatus: "processing", nextPollAt: start.addingTimeInterval(5)), now: start)
        await #expect(try database.generation(id: "gen_1")?.status == .processing)
        await #expect(try database.duePolls(now: start, limit: 10).isEmpty, "not due before its next poll")
        try await database.recordPoll(
            id: "gen_1", outcome: .succeeded(outputURLs: ["https://cdn/x.mp4"], costUSD: 0.5, predictTime: 12), now: start)
        let generation = try await #require(try database.generation(id: "gen_1"))
        #expect(generation.status == .downloading && generation.costUSD == 0.5)
        await #expect(try database.dueFiles(.output, now: start, limit: 10).map(\.sourceURL) == ["https://cdn/x.mp4"])
        // A late answer for a settled generation changes nothing.
        try await database.recordPoll(id: "gen_1", outcome: .cancelled, now: start)
        await #expect(try database.generation(id: "gen_1")?.status == .downloading)
    }

    @Test(arguments: [
        PollOutcome.failed(code: "NSFW", message: "refused", costUSD: 0), .cancelled,
        .succeeded(outputURLs: [], costUSD: nil, predictTime: nil),
    ])
    func endingsAreFinalWithTheirCodes(outcome: PollOutcome) async throws {
        _ = try await submitted()
        try await database.recordPoll(id: "gen_1", outcome: outcome, now: start)
        let generation = try await #require(try database.generation(id: "gen_1"))
        #expect(generation.status.isFinal)
        switch outcome {
        case .failed(let code, _, _): #expect(generation.status == .failed && generation.errorCode == code)
        case .cancelled: #expect(generation.status == .cancelled)
        default: #expect(generation.status == .failed && generation.errorCode == "no_output")
        }
    }

    @Test func aDownloadStoresTheOutputAndCompletesTheGeneration() async throws {
        _ = try await submitted()
        try await database.recordPoll(
            id: "gen_1", outcome: .succeeded(outputURLs: ["https://cdn/x.mp4"], costUSD: 1, predictTime: 3), now: start)
        let output = try await #require(try database.dueFiles(.output, now: start, limit: 1).first)
        let asset = Asset(
            sha256: String(repeating: "a", count: 64), size: 10, contentType: "video/mp4",
            durationS: 5, width: 1, height: 1, videoCodec: "avc1", hasAudio: false, storedAt: start)
        await #expect(try database.recordStored(output, asset: asset, now: start))
        let detail = try await #require(try database.generationDetail(id: "gen_1"))
        #expect(detail.generation.status == .completed && detail.outputs.first?.asset == asset)
        await #expect(try database.dueFiles(.output, now: start, limit: 10).isEmpty)
    }

    @Test func anOutputGivenUpFailsItsGenerationWhileALostInputLeavesItAlone() async throws {
        _ = try await database.insertGeneration(
            Generation(id: "gen_1", teamID: team, model: "m", version: "1", input: [:], tags: [], now: start),
            inputs: [
                GenerationInput(
                    generationID: "gen_1", field: "image_url", position: 0, sourceURL: "https://img/a.png",
                    nextAttemptAt: start)
            ])
        await #expect(try database.beginSubmission(id: "gen_1", now: start))
        await #expect(try database.dueFiles(.input, now: start, limit: 10).isEmpty, "no input is fetched before acceptance")
        try await database.recordSubmitted(id: "gen_1", predictionID: "p_1", now: start, firstPollAt: start)
        let input = try await #require(try database.dueFiles(.input, now: start, limit: 10).first)
        try await database.recordFailedAttempt(
            input, cause: "HTTP 500", code: "download_failed", retryAt: start.addingTimeInterval(30), now: start)
        await #expect(try database.dueFiles(.input, now: start, limit: 10).isEmpty, "not due before its retry")
        let retried = try await #require(try database.dueFiles(.input, now: start.addingTimeInterval(30), limit: 10).first)
        #expect(retried.attempts == 1)
        try await database.recordFailedAttempt(retried, cause: "HTTP 500", code: "download_failed", retryAt: nil, now: start)
        await #expect(try database.nextFileTime(.input) == nil)

        try await database.recordPoll(
            id: "gen_1", outcome: .succeeded(outputURLs: ["https://cdn/x.mp4"], costUSD: 1, predictTime: 3), now: start)
        let output = try await #require(try database.dueFiles(.output, now: start, limit: 1).first)
        await #expect(try database.nextFileTime(.output) == start)
        try await database.recordFailedAttempt(output, cause: "HTTP 404", code: "output_expired", retryAt: nil, now: start)
        let generation = try await #require(try database.generation(id: "gen_1"))
        #expect(generation.status == .failed && generation.errorCode == "output_expired")
        await #expect(try events().suffix(4) == ["input_lost", "succeeded", "download_failed", "failed"])
    }

    /// A delivery saying `status` ("succeeded", "processing") about `execID`, as the webhook use case hands it over.
    private func delivery(
        _ status: String, execID: String = "p_1", scheme: WebhookScheme = .signature,
        rejection: WebhookRejection? = nil, id: String = "gen_1"
    ) -> ReceivedWebhook {
        let outcome: PollOutcome =
            status == "succeeded"
            ? .succeeded(outputURLs: ["https://cdn/y.mp4"], costUSD: nil, predictTime: nil)
            : .running(providerStatus: status, nextPollAt: start)
        return ReceivedWebhook(
            generationID: id, scheme: scheme, timestampHeader: "1", body: Data("{}".utf8), rejection: rejection,
            report: rejection == nil ? (execID, outcome) : nil)
    }

    @Test func webhooksApplyOnceAndRepeatsChangeNothing() async throws {
        _ = try await submitted()
        await #expect(try database.recordWebhook(delivery("succeeded"), now: start) == .applied)
        await #expect(try database.generation(id: "gen_1")?.status == .downloading)
        await #expect(try database.recordWebhook(delivery("succeeded"), now: start) == .duplicate)
        await #expect(try database.webhookDeliveries(generationID: "gen_1").map(\.verdict) == ["applied", "duplicate"])
    }

    @Test func legacyOnlyDeliveriesAreConfirmedBeforeUse() async throws {
        _ = try await submitted()
        await #expect(try database.recordWebhook(delivery("succeeded", scheme: .legacySecret), now: start) == .confirmRequested)
        await #expect(try database.generation(id: "gen_1")?.status == .submitted, "nothing archived on the legacy secret alone")
    }

    @Test func refusalsAreCountedNeverStored() async throws {
        _ = try await submitted()
        for _ in 0..<3 {
            await #expect(
                try database.recordWebhook(delivery("succeeded", rejection: .signatureMismatch), now: start)
                    == .rejected(.signatureMismatch))
        }
        await #expect(try database.recordWebhook(delivery("succeeded", id: "gen_none"), now: start) == .rejected(.unknownGeneration))
        await #expect(try database.webhookDeliveries(generationID: "gen_1").isEmpty)
        await #expect(try database.webhookRejections(generationID: "gen_1").map(\.count) == [3])
        await #expect(try database.webhookRejections(generationID: AppDatabase.unknownGenerationKey).map(\.count) == [1])
        await #expect(try !events().contains { $0.contains("rejected") })
    }

    @Test func aLostCreateIsAdoptedFromItsWebhookAndAnUncertainOneRevived() async throws {
        _ = try await pending()
        await #expect(try database.beginSubmission(id: "gen_1", now: start))
        try await database.markSubmitUncertain(id: "gen_1", reason: "connection dropped", checkAt: start, now: start)
        await #expect(try database.dueReconciliations(now: start, limit: 10).map(\.id) == ["gen_1"])
        await #expect(try database.recordWebhook(delivery("processing", execID: "p_9"), now: start) == .applied)
        let generation = try await #require(try database.generation(id: "gen_1"))
        #expect(generation.predictionID == "p_9" && generation.status == .processing)
        await #expect(try events().contains("reconciled"))
        await #expect(try database.dueReconciliations(now: start, limit: 10).isEmpty)
    }

    @Test func anotherPredictionOfTheRequestIsHeldForConfirmationBoundedPerGeneration() async throws {
        _ = try await submitted()
        for index in 0..<7 {
            let effect = try await database.recordWebhook(delivery("succeeded", execID: "p_other_\(index)"), now: start)
            #expect(effect == (index < AppDatabase.maxExtraPredictions ? .extraPrediction : .rejected(.predictionMismatch)))
        }
        await #expect(try database.recordWebhook(delivery("succeeded", execID: "p_other_0"), now: start) == .duplicate)
        await #expect(try database.dueExtraPredictions(now: start, limit: 10).count == AppDatabase.maxExtraPredictions)
        try await database.refuseExtraPrediction("p_other_0")
        await #expect(try database.dueExtraPredictions(now: start, limit: 10).count == AppDatabase.maxExtraPredictions - 1)
        await #expect(try database.generation(id: "gen_1")?.status == .submitted, "nothing changes before confirmation")
    }

    @Test func queueDepthsCountWhatIsDueAndHowLongItWaited() async throws {
        _ = try await pending("gen_1")
        _ = try await pending("gen_2")
        _ = try await submitted("gen_3", prediction: "p_3")
        let later = start.addingTimeInterval(90)
        let depths = await Dictionary(uniqueKeysWithValues: try database.queueDepths(now: later).map { ($0.name, $0) })
        #expect(
            Set(depths.keys) == [
                "submissions", "polls", "reconciliations", "downloads", "input_downloads", "posters", "extra_predictions",
                "outgoing_webhooks",
            ])
        #expect(depths["submissions"]?.due == 2 && depths["submissions"]?.oldestDueSeconds == 90)
        #expect(depths["polls"]?.due == 1 && depths["downloads"]?.due == 0 && depths["downloads"]?.oldestDueSeconds == 0)
        await #expect(try database.queueDepths(now: start.addingTimeInterval(-1)).allSatisfy { $0.due == 0 })
    }
}

/// The create-intent mark is the one commit that must survive a power loss: it is written with a synchronous log,
/// and the connection goes back to GRDB's WAL setting (NORMAL) for everything else.
@Suite(.timeLimit(.minutes(5))) struct IntentDurabilityTests {
    @Test func theIntentMarkSyncsTheLogAndLeavesTheConnectionAsItWas() async throws {
        let home = try TempDirectory()
        let database = try AppDatabase(path: home.url.appending(path: "eachvault.sqlite").path)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let team = try await database.createTeam(name: "t", now: start).id
        _ = try await database.insertGeneration(
            Generation(id: "gen_1", teamID: team, model: "m", version: "1", input: [:], tags: [], now: start))
        func synchronous() throws -> Int? { try database.writer.write { try Int.fetchOne($0, sql: "PRAGMA synchronous") } }
        #expect(try synchronous() == 1, "GRDB's WAL default: NORMAL")
        let statements = Mutex<[String]>([])
        try await database.writer.writeWithoutTransaction { db in
            db.trace { event in statements.withLock { $0.append(String(describing: event)) } }
        }
        await #expect(try database.beginSubmission(id: "gen_1", now: start))
        try await database.writer.writeWithoutTransaction { $0.trace(options: [], nil) }
        let seen = statements.withLock { $0 }
        let full = try #require(seen.firstIndex { $0.contains("PRAGMA synchronous = FULL") }, "\(seen)")
        let mark = try #require(seen.firstIndex { $0.contains("UPDATE generations SET") && $0.contains("submit_started_at") })
        let normal = try #require(seen.lastIndex { $0.contains("PRAGMA synchronous = NORMAL") })
        #expect(full < mark && mark < normal, "the mark is committed with a synchronous log")
        await #expect(try database.beginSubmission(id: "gen_1", now: start) == false)
        #expect(try synchronous() == 1)
        let restart = start.addingTimeInterval(1)
        await #expect(try database.interruptedSubmissions(processStart: restart, now: restart).map(\.id) == ["gen_1"])
    }
}
