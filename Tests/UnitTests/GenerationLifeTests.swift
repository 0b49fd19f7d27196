@testable import Storage
import Foundation
import Testing
import VaultContract
import VaultDomain

/// The generation's life as pure functions (`GenerationLife`): each transition from the states it applies to, the
/// states it refuses, and what follows it (files to fetch, history, the team's event), with no database.
@Suite struct GenerationLifeTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    var later: Date { start.addingTimeInterval(60) }

    func generation(_ status: GenerationStatus = .pending, prediction: String? = nil) -> Generation {
        var generation = Generation(
            id: "gen_1", teamID: "team_1", model: "m", version: "1", input: ["prompt": "a fox"], tags: [], now: start)
        generation.status = status
        generation.predictionID = prediction
        return generation
    }

    func running(_ status: GenerationStatus = .submitted) -> Generation { generation(status, prediction: "p_1") }

    @Test func aCreateIsBegunOnceAndAnsweredIntoSubmitted() throws {
        let begun = try #require(GenerationLife.createBegun(generation(), at: later))
        #expect(begun.generation.submitStartedAt == later && begun.generation.submitAttempts == 1)
        #expect(begun.generation.nextActionAt == nil && begun.history.isEmpty)
        #expect(GenerationLife.createBegun(begun.generation, at: later) == nil, "one create in flight at a time")
        #expect(GenerationLife.createBegun(running(), at: later) == nil)

        let pollAt = later.addingTimeInterval(5)
        let answered = try #require(
            GenerationLife.submitted(predictionID: "p_1", firstPollAt: pollAt, begun.generation, at: later))
        #expect(answered.generation.status == .submitted && answered.generation.predictionID == "p_1")
        #expect(answered.generation.submitStartedAt == nil && answered.generation.nextActionAt == pollAt)
        #expect(answered.history == [.init(kind: "submitted", detail: "prediction p_1")])
        #expect(GenerationLife.submitted(predictionID: "p_2", firstPollAt: pollAt, answered.generation, at: later) == nil)
    }

    @Test func aDeferredCreateIsSentAgainLaterAndAnUncertainOneKeepsItsFirstMark() throws {
        var pending = generation()
        pending.submitStartedAt = start
        let retryAt = later.addingTimeInterval(30)
        let deferred = try #require(GenerationLife.createDeferred(until: retryAt, reason: "429", pending, at: later))
        #expect(deferred.generation.submitStartedAt == nil && deferred.generation.nextActionAt == retryAt)
        #expect(GenerationLife.createDeferred(until: retryAt, reason: "429", running(), at: later) == nil)

        let uncertain = try #require(GenerationLife.createUncertain(checkAt: retryAt, reason: "lost", pending, at: later))
        #expect(uncertain.generation.submitUncertainSince == later && uncertain.generation.submitStartedAt == start)
        let again = try #require(GenerationLife.createUncertain(checkAt: retryAt, reason: "still lost", uncertain.generation, at: retryAt))
        #expect(again.generation.submitUncertainSince == later, "the first mark is kept")

        let resent = try #require(GenerationLife.createResent(reason: "asked", uncertain.generation, at: retryAt))
        #expect(resent.generation.status == .pending && resent.generation.submitUncertainSince == nil)
        #expect(resent.generation.submitStartedAt == nil && resent.generation.nextActionAt == retryAt)
        #expect(GenerationLife.createResent(reason: "asked", pending, at: later) == nil, "only an uncertain create")
        var givenUp = generation(.failed)
        givenUp.errorCode = "submit_uncertain"
        #expect(GenerationLife.createResent(reason: "asked", givenUp, at: later)?.generation.status == .pending)
        givenUp.predictionID = "p_1"
        #expect(GenerationLife.createResent(reason: "asked", givenUp, at: later) == nil, "its prediction is known")
    }

    @Test func runningIsCountedAndToldOnlyWhenTheProviderStatusChanges() {
        let nextPoll = later.addingTimeInterval(10)
        let first = GenerationLife.reported(.running(providerStatus: "queued", nextPollAt: nextPoll), by: .polled, running(), at: later)
        #expect(first.generation.status == .processing && first.generation.pollAttempts == 1)
        #expect(first.generation.nextActionAt == nextPoll && first.history == [.init(kind: "polled", detail: "provider status queued")])
        let same = GenerationLife.reported(
            .running(providerStatus: "queued", nextPollAt: nextPoll), by: .webhook, first.generation, at: later)
        #expect(same.history.isEmpty && same.generation.pollAttempts == 2)
    }

    @Test func aSuccessQueuesItsFilesAndOneToldByWebhookOwesAConfirmingRead() {
        let urls = ["https://cdn/a.mp4", "https://cdn/b.mp4"]
        let polled = GenerationLife.reported(.succeeded(outputURLs: urls, costUSD: 0.4, predictTime: 31), by: .polled, running(), at: later)
        #expect(polled.generation.status == .downloading && polled.generation.costUSD == 0.4)
        #expect(!polled.generation.confirmPending && polled.generation.nextActionAt == nil && polled.generation.pollAttempts == 1)
        #expect(polled.outputsToFetch == urls && polled.announcement == nil)

        let told = GenerationLife.reported(.succeeded(outputURLs: urls, costUSD: nil, predictTime: nil), by: .webhook, running(), at: later)
        #expect(told.generation.confirmPending && told.generation.nextActionAt == later && told.generation.pollAttempts == 0)
        #expect(told.history == [.init(kind: "succeeded", detail: "webhook: 2 output file(s) to download")])

        let owed = told.generation
        let settled = GenerationLife.confirmed(.succeeded(outputURLs: urls, costUSD: 0.4, predictTime: 31), owed, at: later)
        #expect(!settled.generation.confirmPending && settled.generation.costUSD == 0.4 && settled.generation.nextActionAt == nil)
        let disagreeing = GenerationLife.confirmed(.running(providerStatus: "processing", nextPollAt: later), owed, at: later)
        #expect(disagreeing.generation.nextActionAt == later.addingTimeInterval(30) && disagreeing.generation.status == .downloading)
        #expect(GenerationLife.polled(.succeeded(outputURLs: urls, costUSD: 0.4, predictTime: 31), owed, at: later) != nil)
        #expect(GenerationLife.polled(.cancelled, settled.generation, at: later) == nil, "a late answer changes nothing")
    }

    @Test func failuresAndCancellationsEndTheGenerationAndAreAnnounced() {
        let empty = GenerationLife.reported(.succeeded(outputURLs: [], costUSD: 0.1, predictTime: 3), by: .polled, running(), at: later)
        #expect(empty.generation.status == .failed && empty.generation.errorCode == "no_output")

        let failed = GenerationLife.reported(.failed(code: "nsfw", message: "refused", costUSD: 0.2), by: .webhook, running(), at: later)
        #expect(failed.generation.status == .failed && failed.generation.providerStatus == "error" && failed.generation.costUSD == 0.2)
        #expect(failed.generation.completedAt == later && failed.generation.nextActionAt == nil)
        #expect(failed.announcement == .init(type: .generationFailed, data: ["status": "failed", "error_code": "nsfw"]))

        let cancelled = GenerationLife.reported(.cancelled, by: .polled, running(.processing), at: later)
        #expect(cancelled.generation.status == .cancelled && cancelled.generation.errorCode == "cancelled")
        #expect(cancelled.announcement?.type == .generationCancelled)
    }

    @Test func anEndedGenerationKeepsItsEndAndOnlyHearsOfTheAttempt() {
        for status in [GenerationStatus.completed, .failed, .cancelled] {
            let ended = running(status)
            let step = GenerationLife.failed(code: "download_failed", message: "gone", ended, at: later)
            #expect(step.generation == ended && step.announcement == nil)
            #expect(step.history == [.init(kind: "failed", detail: "download_failed: gone")])
            #expect(GenerationLife.lastOutputStored(ended, at: later) == nil)
            #expect(GenerationLife.polled(.cancelled, ended, at: later) == nil)
        }
    }

    @Test func aPredictionFoundLaterIsAdoptedAlsoAfterTheCreateWasGivenUp() throws {
        let adopted = try #require(GenerationLife.adopted(predictionID: "p_9", how: "its webhook", generation(), at: later))
        #expect(adopted.generation.status == .submitted && adopted.generation.predictionID == "p_9")
        #expect(adopted.generation.submittedAt == later && adopted.generation.nextActionAt == later)
        var givenUp = generation(.failed)
        givenUp.errorCode = "submit_uncertain"
        givenUp.completedAt = start
        let revived = try #require(GenerationLife.adopted(predictionID: "p_9", how: "the log", givenUp, at: later))
        #expect(revived.generation.status == .submitted && revived.generation.errorCode == nil && revived.generation.completedAt == nil)
        #expect(GenerationLife.adopted(predictionID: "p_9", how: "x", running(), at: later) == nil, "it has its prediction")
        #expect(GenerationLife.adopted(predictionID: "p_9", how: "x", generation(.completed), at: later) == nil)
    }

    @Test func theLastOutputCompletesADownloadingGeneration() throws {
        let done = try #require(GenerationLife.lastOutputStored(running(.downloading), at: later))
        #expect(done.generation.status == .completed && done.generation.completedAt == later)
        #expect(done.announcement == .init(type: .generationCompleted, data: ["status": "completed"]))
        #expect(GenerationLife.lastOutputStored(running(.processing), at: later) == nil)
    }

    @Test func aFailedPollIsToldAlwaysAndRescheduledOnlyWhilePolling() {
        let retryAt = later.addingTimeInterval(20)
        let polling = GenerationLife.pollFailed(retryAt: retryAt, reason: "503", running(), at: later)
        #expect(polling.generation.nextActionAt == retryAt && polling.generation.pollAttempts == 1)
        let ended = running(.completed)
        let late = GenerationLife.pollFailed(retryAt: retryAt, reason: "503", ended, at: later)
        #expect(late.generation == ended && late.history == [.init(kind: "poll_failed", detail: "503")])
        #expect(GenerationLife.reconciliationDeferred(until: retryAt, generation())?.generation.nextActionAt == retryAt)
        #expect(GenerationLife.reconciliationDeferred(until: retryAt, running()) == nil)
    }
}
