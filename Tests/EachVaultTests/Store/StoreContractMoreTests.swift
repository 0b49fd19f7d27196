import Foundation
import Storage
import StoreSQLite
import Testing

/// More of the store's contract, the same on SQLite and on PostgreSQL: outgoing endpoints and their delivery log,
/// the side paths of a create (deferred, uncertain, interrupted), posters and previews, and what operators ask.
@Suite(.timeLimit(.minutes(5))) struct StoreContractMoreTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    private func generation(_ id: String, team: String) -> Generation {
        Generation(id: id, teamID: team, model: "m", version: "1", input: ["prompt": "a fox"], tags: [], now: start)
    }

    private func asset(_ byte: String, size: Int64, type: String = "video/mp4") -> Asset {
        Asset(
            sha256: String(repeating: byte, count: 32), size: size, contentType: type, durationS: nil, width: 640,
            height: 360, videoCodec: nil, hasAudio: nil, storedAt: start)
    }

    @Test(arguments: StoreBackend.allCases)
    func endpointsAreEditedDisabledReplayedAndLogged(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let team = try await store.createTeam(name: "a", now: start).id
            let other = try await store.createTeam(name: "b", now: start).id
            let endpoint = try #require(
                try await store.createEndpoint(
                    teamID: team, url: "https://hooks.example.com/in", events: ["generation.failed"], limit: 1, now: start))
            #expect(
                try await store.createEndpoint(
                    teamID: team, url: "https://hooks.example.com/two", events: ["generation.failed"], limit: 1, now: start)
                    == nil, "a team at its limit registers no more endpoints")
            #expect(try await store.endpoints(teamID: team).map(\.id) == [endpoint.id])
            #expect(try await store.endpoints(teamID: other).isEmpty)
            let moved = try await store.updateEndpoint(
                id: endpoint.id, teamID: team, url: "https://hooks.example.com/v2", events: nil, enabled: nil)
            #expect(moved?.url == "https://hooks.example.com/v2" && moved?.events == ["generation.failed"])
            #expect(
                try await store.updateEndpoint(id: endpoint.id, teamID: other, url: "https://x", events: nil, enabled: nil)
                    == nil, "another team's endpoint is not found")
            #expect(try await store.nextMessageTime() == nil)

            _ = try await store.insertGeneration(generation("gen_1", team: team), inputs: [])
            try await store.failGeneration(id: "gen_1", code: "boom", message: "it broke", now: start)
            #expect(try await store.generation(id: "gen_1")?.status == .failed)
            #expect(try await store.nextMessageTime() == start)
            let message = try #require(try await store.dueMessages(now: start, limit: 10).first)
            #expect(message.payload.contains("generation.failed") && message.url == "https://hooks.example.com/v2")

            // Every attempt failed for about a day: the message is given up and the endpoint disabled, saying why.
            try await store.recordAttempt(
                message, status: 500, latencyMS: 12, excerpt: "down", error: nil, delivered: false, retryAt: nil,
                now: start.addingTimeInterval(1))
            #expect(try await store.dueMessages(now: start.addingTimeInterval(5), limit: 10).isEmpty)
            let disabled = try #require(try await store.endpoints(teamID: team).first)
            #expect(!disabled.enabled && disabled.disabledReason?.contains(message.messageID) == true)
            let log = try #require(try await store.deliveries(endpointID: endpoint.id, teamID: team, limit: 10))
            #expect(log.map(\.messageID) == [message.messageID] && log[0].gaveUpAt == start.addingTimeInterval(1))
            #expect(log[0].attempts.map(\.status) == [500] && log[0].attempts.first?.responseExcerpt == "down")
            #expect(try await store.deliveries(endpointID: endpoint.id, teamID: other, limit: 10) == nil)

            // Enabled again and replayed, the same message is due again; another team cannot replay it.
            let enabled = try await store.updateEndpoint(
                id: endpoint.id, teamID: team, url: nil, events: nil, enabled: true)
            #expect(enabled?.enabled == true && enabled?.disabledReason == nil)
            let later = start.addingTimeInterval(60)
            #expect(
                try await store.replay(messageID: message.messageID, endpointID: endpoint.id, teamID: other, now: later)
                    == false)
            #expect(try await store.replay(messageID: message.messageID, endpointID: endpoint.id, teamID: team, now: later))
            #expect(try await store.dueMessages(now: later, limit: 10).map(\.messageID) == [message.messageID])

            #expect(try await store.deleteEndpoint(id: endpoint.id, teamID: other) == false)
            #expect(try await store.deleteEndpoint(id: endpoint.id, teamID: team))
            #expect(try await store.endpoints(teamID: team).isEmpty)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aCreateIsDeferredMadeUncertainAndReconciled(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let team = try await store.createTeam(name: "a", now: start).id
            _ = try await store.insertGeneration(generation("gen_1", team: team), inputs: [])
            #expect(try await store.nextSubmissionTime() == start)
            #expect(try await store.beginSubmission(id: "gen_1", now: start))
            let retry = start.addingTimeInterval(30)
            try await store.deferSubmission(id: "gen_1", retryAt: retry, reason: "429 from the provider", now: start)
            #expect(try await store.nextSubmissionTime() == retry)
            #expect(try await store.dueSubmissions(now: start.addingTimeInterval(29), limit: 10).isEmpty)
            #expect(try await store.dueSubmissions(now: retry, limit: 10).map(\.id) == ["gen_1"])

            // A create under way when the process stopped is found on the next start.
            #expect(try await store.beginSubmission(id: "gen_1", now: retry))
            let restart = retry.addingTimeInterval(5)
            #expect(
                try await store.interruptedSubmissions(processStart: restart, now: restart).map(\.id) == ["gen_1"])
            #expect(try await store.interruptedSubmissions(processStart: retry, now: restart).isEmpty)

            // Its answer lost: uncertain, looked for by reconciliation at its time, and rescheduled.
            let check = restart.addingTimeInterval(10)
            try await store.markSubmitUncertain(id: "gen_1", reason: "the answer was lost", checkAt: check, now: restart)
            #expect(try await store.generation(id: "gen_1")?.submitUncertainSince == restart)
            #expect(try await store.nextReconciliationTime() == check)
            #expect(try await store.dueReconciliations(now: check, limit: 10).map(\.id) == ["gen_1"])
            try await store.rescheduleReconciliation(id: "gen_1", at: check.addingTimeInterval(60))
            #expect(try await store.dueReconciliations(now: check, limit: 10).isEmpty)
            #expect(try await store.nextReconciliationTime() == check.addingTimeInterval(60))
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func postersAreQueuedMadeFailedAndRetried(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let video = asset("aa", size: 1000)
            let still = asset("bb", size: 40, type: "image/jpeg")
            try await store.recordLocalFile(video, now: start)
            #expect(try await store.allAssets().map(\.sha256) == [video.sha256])
            #expect(try await store.nextDerivedFileTime() == start)
            let work = try await store.dueDerivedFiles(now: start, limit: 10)
            #expect(Set(work.map(\.key)) == ["\(video.sha256):poster", "\(video.sha256):preview"])
            try await store.recordDerivedFile(.poster, source: video.sha256, outcome: .success(still), now: start)
            try await store.recordDerivedFile(
                .preview, source: video.sha256, outcome: .failure(PosterFailure("ffmpeg refused it")), now: start)
            #expect(try await store.derivedFiles(.poster, of: [video.sha256, "none"]) == [video.sha256: still])
            #expect(try await store.derivedFiles(.preview, of: [video.sha256]).isEmpty)
            #expect(try await store.posterCounts() == PosterCounts(waiting: 0, made: 1, failed: 1))
            #expect(try await store.dueDerivedFiles(now: start.addingTimeInterval(60), limit: 10).isEmpty)
            #expect(try await store.retryFailedPosters(now: start.addingTimeInterval(60)) == 1)
            #expect(try await store.posterCounts() == PosterCounts(waiting: 1, made: 1, failed: 0))
            #expect(
                try await store.dueDerivedFiles(now: start.addingTimeInterval(60), limit: 10).map(\.key)
                    == ["\(video.sha256):preview"])
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func operatorsSeeQueuesStorageAndRunTimes(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            #expect(await store.isReachable())
            let team = try await store.createTeam(name: "a", now: start).id
            _ = try await store.createTeam(name: "b", now: start)
            try await store.recordLocalFile(asset("cc", size: 700), teamID: team, now: start)
            try await store.recordLocalFile(asset("dd", size: 50), teamID: team, now: start)
            #expect(try await store.storageBytes(teamID: team) == 750)
            #expect(try await store.storageByTeam() == ["a": 750, "b": 0])

            _ = try await store.insertGeneration(generation("gen_1", team: team), inputs: [])
            let depths = try await store.queueDepths(now: start.addingTimeInterval(10))
            #expect(depths.first { $0.name == "submissions" } == QueueDepth(name: "submissions", due: 1, oldestDueSeconds: 10))
            #expect(depths.first { $0.name == "posters" }?.due == 4, "both stored videos wait for a poster and a preview")
            #expect(depths.filter { !["submissions", "posters"].contains($0.name) }.allSatisfy { $0.due == 0 })
            try await store.refreshPlannerStatistics()

            #expect(try await store.typicalRunTime(model: "m") == nil)
            #expect(try await store.webhookSecret(generationID: "gen_1") == nil)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func searchesPageAndSpendAddsUp(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let team = try await store.createTeam(name: "a", now: start).id
            let other = try await store.createTeam(name: "b", now: start).id
            for (index, prompt) in ["a red fox", "a fox in snow", "a blue whale"].enumerated() {
                var made = generation("gen_\(index)", team: team)
                made.input = ["prompt": .string(prompt)]
                made.prompt = prompt
                made.createdAt = start.addingTimeInterval(Double(index))
                _ = try await store.insertGeneration(made, inputs: [])
            }
            _ = try await store.insertGeneration(generation("gen_other", team: other), inputs: [])
            try await store.recordSubmitted(id: "gen_0", predictionID: "p0", now: start, firstPollAt: start)
            try await store.recordPoll(
                id: "gen_0", outcome: .succeeded(outputURLs: ["https://cdn.example.com/0.mp4"], costUSD: 0.5, predictTime: 30),
                now: start)

            var query = GenerationQuery(teamID: team, text: "fox", limit: 1)
            let first = try await store.search(query)
            #expect(first.hits.count == 1 && first.nextCursor != nil)
            query.cursor = first.nextCursor
            let second = try await store.search(query)
            #expect(Set((first.hits + second.hits).map(\.generation.id)) == ["gen_0", "gen_1"] && second.nextCursor == nil)
            #expect(first.hits[0].snippet?.segments.contains { $0.isMatch && $0.text.lowercased() == "fox" } == true)
            let (page, details) = try await store.searchWithDetails(GenerationQuery(teamID: team, text: "whale"))
            #expect(page.hits.map(\.generation.id) == ["gen_2"] && details.map(\.generation.id) == ["gen_2"])
            let newestFirst = try await store.searchGenerations(GenerationQuery(teamID: team, limit: 10))
            #expect(newestFirst.map(\.id) == ["gen_2", "gen_1", "gen_0"], "without text: newest first, the team's only")

            let spend = try await store.spend(teamID: team, groupBy: .model)
            #expect(spend.rows.map(\.key) == ["m"] && spend.total.generations == 3)
            #expect(spend.total.spentUSD == 0.5 && spend.total.unknownCost == 2 && spend.total.predictTimeS == 30)
            #expect(try await store.spend(teamID: other, groupBy: .model).total.spentUSD == 0)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func pollsAreRescheduledAndFailedFilesRetriedOrGivenUp(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let team = try await store.createTeam(name: "a", now: start).id
            _ = try await store.insertGeneration(generation("gen_1", team: team), inputs: [])
            try await store.recordSubmitted(id: "gen_1", predictionID: "p1", now: start, firstPollAt: start)
            let retry = start.addingTimeInterval(20)
            try await store.reschedulePoll(id: "gen_1", retryAt: retry, reason: "503 from the provider", now: start)
            #expect(try await store.nextPollTime() == retry)
            #expect(try await store.duePolls(now: start.addingTimeInterval(19), limit: 10).isEmpty)
            try await store.recordPoll(
                id: "gen_1", outcome: .succeeded(outputURLs: ["https://cdn.example.com/1.mp4"], costUSD: nil, predictTime: 42),
                now: retry)
            #expect(try await store.typicalRunTime(model: "m") == 42)

            let file = try #require(try await store.dueFiles(.output, now: retry, limit: 10).first)
            let again = retry.addingTimeInterval(30)
            try await store.recordFailedAttempt(file, cause: "truncated", code: "download_failed", retryAt: again, now: retry)
            #expect(try await store.nextFileTime(.output) == again)
            #expect(try await store.dueFiles(.output, now: retry, limit: 10).isEmpty)
            let retried = try #require(try await store.dueFiles(.output, now: again, limit: 10).first)
            #expect(retried.attempts == 1)
            try await store.recordFailedAttempt(retried, cause: "gone", code: "download_failed", retryAt: nil, now: again)
            let failed = try #require(try await store.generation(id: "gen_1"))
            #expect(failed.status == .failed && failed.errorCode == "download_failed")
            #expect(try await store.nextFileTime(.output) == nil)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func unreferencedBlobsAreCollectedOnceNoted(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let team = try await store.createTeam(name: "a", now: start).id
            let kept = asset("a1", size: 10)
            let orphan = asset("b2", size: 20, type: "application/octet-stream")
            try await store.recordLocalFile(kept, teamID: team, now: start.addingTimeInterval(100))
            try await store.recordLocalFile(orphan, now: start)
            let later = start.addingTimeInterval(50)
            let collected = try await store.collectGarbage(storedBefore: later, uploadsBefore: later, now: later)
            #expect(collected.map(\.sha256) == [orphan.sha256], "a recent upload of a team is kept")
            #expect(try await store.blobDeletions() == [orphan.sha256])
            #expect(try await store.allAssets().map(\.sha256) == [kept.sha256])

            let stray = String(repeating: "c3", count: 32)
            #expect(try await store.noteUnrecordedBlobs([kept.sha256, stray], now: later) == [stray])
            #expect(try await store.blobDeletions() == [orphan.sha256, stray].sorted())
            try await store.forgetBlobDeletions([orphan.sha256, stray])
            #expect(try await store.blobDeletions().isEmpty)
            #expect(try await store.blobSources(sha256: kept.sha256).isEmpty, "an upload has no source address")
        }
    }

    private func recording(_ id: String, team: String, prediction: String) -> Generation {
        var made = generation(id, team: team)
        made.origin = .imported
        made.status = .submitted
        made.predictionID = prediction
        made.submittedAt = start
        return made
    }

    @Test(arguments: StoreBackend.allCases)
    func importsAreClaimedOncePerPredictionAndTeam(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let team = try await store.createTeam(name: "a", now: start).id
            let other = try await store.createTeam(name: "b", now: start).id
            #expect(try await store.importClaim(predictionID: "pi", teamID: team) == nil, "an unknown prediction is free")
            let done = PollOutcome.succeeded(outputURLs: ["https://cdn.example.com/i.mp4"], costUSD: 0.2, predictTime: 9)
            guard
                case .imported(let imported) = try await store.recordImport(
                    recording("gen_i", team: team, prediction: "pi"), inputs: [], outcome: done, now: start)
            else { Issue.record("not imported"); return }
            #expect(imported.status == .downloading && imported.origin == .imported && imported.costUSD == 0.2)
            #expect(try await store.importClaim(predictionID: "pi", teamID: team) == .alreadyArchived(generationID: "gen_i"))
            #expect(try await store.importClaim(predictionID: "pi", teamID: other) == .notClaimable)
            #expect(
                try await store.recordImport(recording("gen_j", team: other, prediction: "pi"), inputs: [], outcome: done, now: start)
                    == .notClaimable, "another team's prediction stays theirs")
            #expect(try await store.generation(id: "gen_j") == nil)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aSecondPredictionIsConfirmedPostponedRefusedOrArchived(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let team = try await store.createTeam(name: "a", now: start).id
            var original = generation("gen_1", team: team)
            original.webhookSecret = "whsec_x"
            _ = try await store.insertGeneration(original, inputs: [])
            try await store.recordSubmitted(id: "gen_1", predictionID: "p1", now: start, firstPollAt: start)
            func report(_ prediction: String) -> ReceivedWebhook {
                ReceivedWebhook(
                    generationID: "gen_1", scheme: .signature, timestampHeader: "1", body: Data("{}".utf8), rejection: nil,
                    report: (prediction, .running(providerStatus: "processing", nextPollAt: start)))
            }
            #expect(try await store.nextExtraPredictionCheck() == nil)
            #expect(try await store.recordWebhook(report("p2"), now: start) == .extraPrediction)
            #expect(try await store.recordWebhook(report("p3"), now: start) == .extraPrediction)
            #expect(try await store.nextExtraPredictionCheck() == start)
            let due = try await store.dueExtraPredictions(now: start, limit: 10)
            #expect(Set(due.map(\.predictionID)) == ["p2", "p3"] && due.allSatisfy { $0.generation.id == "gen_1" })

            let later = start.addingTimeInterval(60)
            try await store.postponeExtraPrediction("p2", until: later)
            try await store.refuseExtraPrediction("p3")
            #expect(try await store.dueExtraPredictions(now: start.addingTimeInterval(1), limit: 10).isEmpty)
            #expect(try await store.nextExtraPredictionCheck() == later)

            let stored = try #require(try await store.generation(id: "gen_1"))
            let extra = try await store.recordExtraPrediction(
                recording("gen_2", team: team, prediction: "p2"), of: stored,
                outcome: .succeeded(outputURLs: ["https://cdn.example.com/2.mp4"], costUSD: 0.3, predictTime: 5), now: later)
            #expect(extra.id == "gen_2" && extra.status == .downloading && extra.predictionID == "p2")
            #expect(try await store.dueExtraPredictions(now: later, limit: 10).isEmpty, "confirmed: no longer due")
            #expect(try await store.generation(id: "gen_1")?.predictionID == "p1", "the original keeps its own")
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func cancelsEndUnsentGenerationsAndFollowTheProvidersAnswer(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let team = try await store.createTeam(name: "a", now: start).id
            let other = try await store.createTeam(name: "b", now: start).id
            for id in ["unsent", "in_flight", "running", "stopping"] {
                _ = try await store.insertGeneration(generation(id, team: team), inputs: [])
            }
            // Nothing sent: ended here, once, and only for its own team.
            #expect(try await store.cancelGeneration(id: "unsent", teamID: other, answer: nil, now: start) == false)
            #expect(try await store.cancelGeneration(id: "unsent", teamID: team, answer: nil, now: start))
            let unsent = try #require(try await store.generation(id: "unsent"))
            #expect(unsent.status == .cancelled && unsent.errorCode == "cancelled" && unsent.completedAt == start)
            #expect(try await store.cancelGeneration(id: "unsent", teamID: team, answer: nil, now: start) == false)
            #expect(try await store.dueSubmissions(now: start.addingTimeInterval(1), limit: 10).map(\.id).contains("unsent") == false)

            // A create in flight cannot be called back without the provider.
            #expect(try await store.beginSubmission(id: "in_flight", now: start))
            #expect(try await store.cancelGeneration(id: "in_flight", teamID: team, answer: nil, now: start) == false)

            // At the provider: the answer decides.
            for (id, prediction) in [("running", "p_run"), ("stopping", "p_stop")] {
                #expect(try await store.beginSubmission(id: id, now: start))
                try await store.recordSubmitted(id: id, predictionID: prediction, now: start, firstPollAt: start)
            }
            #expect(try await store.cancelGeneration(id: "running", teamID: team, answer: nil, now: start) == false)
            #expect(try await store.cancelGeneration(id: "running", teamID: team, answer: .cancelled, now: start))
            #expect(try await store.generation(id: "running")?.status == .cancelled)
            let later = start.addingTimeInterval(5)
            #expect(
                try await store.cancelGeneration(
                    id: "stopping", teamID: team, answer: .running(providerStatus: "processing", nextPollAt: later), now: start))
            let stopping = try #require(try await store.generationDetail(id: "stopping", teamID: team))
            #expect(stopping.generation.status == .processing && stopping.generation.nextActionAt == later)
            #expect(stopping.events.map(\.kind).contains("cancel_requested"))
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func lostCreatesAreAdoptedOrResentAndRemakesListed(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let team = try await store.createTeam(name: "a", now: start).id
            let other = try await store.createTeam(name: "b", now: start).id
            for id in ["gen_1", "gen_2"] {
                _ = try await store.insertGeneration(generation(id, team: team), inputs: [])
                #expect(try await store.beginSubmission(id: id, now: start))
                try await store.markSubmitUncertain(id: id, reason: "no answer", checkAt: start, now: start)
            }
            #expect(try await store.adoptPrediction(generationID: "gen_1", predictionID: "p1", now: start))
            let adopted = try #require(try await store.generation(id: "gen_1"))
            #expect(adopted.predictionID == "p1" && adopted.status == .submitted && adopted.submitUncertainSince == nil)

            #expect(try await store.resendUncertainCreate(id: "gen_2", teamID: other, reason: "asked", now: start) == false)
            #expect(try await store.resendUncertainCreate(id: "gen_2", teamID: team, reason: "asked", now: start))
            #expect(try await store.resendUncertainCreate(id: "gen_1", teamID: team, reason: "asked", now: start) == false)
            #expect(try await store.dueSubmissions(now: start.addingTimeInterval(1), limit: 10).map(\.id) == ["gen_2"])

            var remake = generation("gen_3", team: team)
            remake.madeFrom = "gen_1"
            _ = try await store.insertGeneration(remake, inputs: [])
            #expect(try await store.remakes(of: "gen_1", teamID: team).map(\.id) == ["gen_3"])
            #expect(try await store.remakes(of: "gen_1", teamID: other).isEmpty)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func uploadsAreReusedUntilTheirTimeAndAssetsScrubbedInTurn(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let team = try await store.createTeam(name: "a", now: start).id
            let other = try await store.createTeam(name: "b", now: start).id
            let file = asset("e5", size: 5, type: "image/png")
            let digest = file.sha256
            try await store.recordLocalFile(file, now: start)
            #expect(try await store.reusableUpload(sha256: digest, teamID: team, now: start) == nil)
            let upload = ProviderUpload(
                teamID: team, sha256: digest, uploadID: "upl_1", publicURL: "https://files.example.com/upl_1",
                uploadedAt: start, reuseUntil: start.addingTimeInterval(100))
            try await store.recordUpload(upload)
            #expect(try await store.reusableUpload(sha256: digest, teamID: team, now: start.addingTimeInterval(99)) == upload)
            #expect(try await store.reusableUpload(sha256: digest, teamID: team, now: start.addingTimeInterval(100)) == nil)
            #expect(
                try await store.reusableUpload(sha256: digest, teamID: other, now: start) == nil,
                "another team's upload is never reused, nor visible")
            var theirs = upload
            (theirs.teamID, theirs.uploadID, theirs.publicURL) = (other, "upl_2", "https://files.example.com/upl_2")
            try await store.recordUpload(theirs)
            #expect(try await store.reusableUpload(sha256: digest, teamID: other, now: start) == theirs)
            #expect(try await store.reusableUpload(sha256: digest, teamID: team, now: start) == upload, "each its own")

            let (first, second) = (asset("01", size: 1), asset("02", size: 2))
            try await store.recordLocalFile(second, now: start)
            try await store.recordLocalFile(first, now: start)
            var order: [String] = []
            for _ in 0..<4 { order.append(try #require(try await store.nextAssetToScrub(now: start)).sha256) }
            #expect(order == [first.sha256, second.sha256, digest, first.sha256], "in digest order, round and round")
        }
    }
}
