import Archive
import EachLabs
import Transport
import Foundation

/// A team's request for a new video.
public struct GenerationRequest: Sendable, Codable {
    public var model: String
    public var version: String?
    public var input: [String: JSONValue]
    public var tags: [String]?
    /// `false` always generates anew (another take of a seedless prompt); otherwise an identical earlier request
    /// of the team answers it.
    public var dedup: Bool?

    public init(
        model: String, version: String? = nil, input: [String: JSONValue], tags: [String]? = nil,
        dedup: Bool? = nil
    ) {
        self.model = model
        self.version = version
        self.input = input
        self.tags = tags
        self.dedup = dedup
    }
}

/// A created generation, or the team's earlier one that already answers the request (no provider call, no cost).
public struct CreatedGeneration: Sendable {
    public var generation: Generation
    /// Set when the request was deduplicated: the id of the generation that answers it.
    public var deduplicatedFrom: String?
}

/// Why a request was refused before anything reached the provider.
public enum SubmissionError: Error, Sendable {
    case catalogue(CatalogueError)
    case invalidInput([FieldProblem])
    case invalidRequest(String)
    /// A local file could not be put where the provider can fetch it.
    case upload(ProviderError)
    case storage(String)
}

extension Vault {
    /// Validates `request` against the model's schema, records the generation durably, then submits it once.
    /// A provider hiccup leaves it pending for the submission worker; either way the generation is returned.
    public func createGeneration(_ request: GenerationRequest, teamID: String) async throws(SubmissionError)
        -> CreatedGeneration
    {
        let (model, validInput) = try await validated(request)
        let resolved = try await resolveLocalFiles(validInput, schema: model.requestSchema, teamID: teamID, upload: true)
        let input = resolved.input
        let key = model.requestSchema.canonicalKey(model: model.slug, version: model.version, input: input)
        let id = makeGenerationID(now: now())
        let fresh = Generation(
            id: id, teamID: teamID, model: model.slug, version: model.version, input: input,
            tags: Self.normalisedTags(request.tags ?? []),
            webhookSecret: webhooksEnabled ? makeWebhookSecret() : nil, requestKey: key, now: now())
        let inputs = lineage(of: input, schema: model.requestSchema, generationID: id, storedFiles: resolved.storedFiles)
        let generation: Generation
        do {
            let (deduplicate, now) = (request.dedup != false, now())
            let recorded = try await database.offloaded { database -> (Generation, deduplicated: Bool) in
                if deduplicate, let match = try database.deduplicationMatch(teamID: teamID, requestKey: key) {
                    try database.recordDeduplicationHit(id: match.id, now: now)
                    return (match, true)
                }
                return (try database.insertGeneration(fresh, inputs: inputs), false)
            }
            if recorded.deduplicated { return CreatedGeneration(generation: recorded.0, deduplicatedFrom: recorded.0.id) }
            generation = recorded.0
        } catch {
            throw .storage(String(describing: error))
        }
        await submit(generation)
        return CreatedGeneration(generation: (try? database.generation(id: generation.id)) ?? generation)
    }

    /// The model and the validated, normalised input; or why the request is refused.
    func validated(_ request: GenerationRequest) async throws(SubmissionError) -> (CatalogueModel, [String: JSONValue]) {
        let model: CatalogueModel
        do { model = try await self.model(slug: request.model) } catch { throw .catalogue(error) }
        if let version = request.version, version != model.version {
            throw .invalidRequest("model \(model.slug) has version \(model.version), not \(version)")
        }
        switch model.requestSchema.validate(request.input) {
        case .success(let input):
            return (model, input)
        case .failure(let failure):
            throw .invalidInput(failure.problems)
        }
    }

    /// One lineage row per media input URL; files that came inline are already stored, the rest are downloaded.
    func lineage(
        of input: [String: JSONValue], schema: RequestSchema, generationID: String,
        storedFiles: [String: String] = [:]
    ) -> [GenerationInput] {
        schema.mediaInputs(in: input, where: \.isHTTPURL).map { reference in
            GenerationInput(
                generationID: generationID, field: reference.field, position: reference.position,
                sourceURL: reference.value, sha256: storedFiles[reference.value], nextAttemptAt: now())
        }
    }

    /// Sends one create for a pending generation and records the outcome. Intent is committed before the call,
    /// so a crash in between is detected on restart rather than answered with a second (billed) prediction.
    func submit(_ generation: Generation) async {
        let id = generation.id
        guard (try? database.beginSubmission(id: id, now: now())) == true else { return }
        let attempt = generation.submitAttempts + 1
        do {
            let predictionID = try await provider.createPrediction(
                CreatePrediction(
                    model: generation.model, version: generation.version, input: generation.input,
                    webhookURL: generation.webhookSecret == nil ? nil : webhookURL(for: id),
                    webhookSecret: generation.webhookSecret))
            try database.recordSubmitted(
                id: id, predictionID: predictionID, now: now(),
                firstPollAt: after(firstPollDelay(for: generation)))
            pollsDue.signal()
            inputsDue.signal()  // inputs are fetched once the provider accepted the request
            logger.info("submitted", metadata: ["generation": "\(id)", "prediction": "\(predictionID)"])
        } catch let error as ProviderError {
            handleCreateFailure(error, id: id, attempt: attempt)
        } catch {
            logger.error("cannot record a submission", metadata: ["generation": "\(id)", "error": "\(error)"])
        }
    }

    private func handleCreateFailure(_ error: ProviderError, id: String, attempt: Int) {
        logger.warning("create failed", metadata: ["generation": "\(id)", "error": "\(error)"])
        let now = now()
        do {
            if error.createMayHaveSucceeded {
                // The create may have reached the provider: never sent again blindly, but reconciled.
                settleUncertainCreate(id: id, cause: "the create's answer was lost (\(error))")
            } else if error.isTransient && attempt < settings.maxSubmitAttempts {
                let wait: Duration
                if case .rateLimited(let retryAfter?) = error {
                    wait = retryAfter
                } else {
                    wait = settings.providerRetry.delay(attempt: attempt - 1)
                }
                try database.deferSubmission(
                    id: id, retryAt: now.addingTimeInterval(wait.seconds),
                    reason: "attempt \(attempt): \(error)", now: now)
                submissionsDue.signal()
            } else {
                try database.failGeneration(
                    id: id, code: Self.failureCode(for: error), message: error.description,
                    now: now)
            }
        } catch {
            logger.error("cannot record a create failure", metadata: ["generation": "\(id)", "error": "\(error)"])
        }
    }

    static func failureCode(for error: ProviderError) -> String {
        switch error {
        case .badRequest: "provider_rejected_input"
        case .notFound: "unknown_model"
        case .rateLimited, .server, .transport, .malformedResponse: "submit_failed"
        case .unauthorized: error.code
        }
    }

    /// Generations whose create was in flight when the service stopped are settled like a lost answer.
    public func reconcileInterruptedSubmissions() {
        for generation in (try? database.interruptedSubmissions()) ?? [] {
            settleUncertainCreate(id: generation.id, cause: "the service stopped while the create was in flight")
        }
    }

    /// With webhooks on, the prediction (if the provider started one) announces itself by webhook or shows in the
    /// provider's webhook log, so the generation waits for that. Without, there is no way to ask which
    /// predictions exist: the generation ends `submit_uncertain` rather than risk a second billed prediction.
    func settleUncertainCreate(id: String, cause: String) {
        logger.warning("uncertain create", metadata: ["generation": "\(id)", "cause": "\(cause)"])
        do {
            if webhooksEnabled {
                try database.markSubmitUncertain(
                    id: id,
                    reason: "\(cause); looking for the prediction in webhooks and the provider's webhook log, "
                        + "not resending", checkAt: after(settings.reconcileInterval.delay(attempt: 0)), now: now())
                reconciliationsDue.signal()
            } else {
                try database.failGeneration(
                    id: id, code: "submit_uncertain",
                    message: "\(cause); the provider may have started this prediction, so it was not resent to "
                        + "avoid paying twice (set EACHVAULT_PUBLIC_URL to let webhooks reconcile such cases)",
                    now: now())
            }
        } catch {
            logger.error("cannot record an uncertain create", metadata: ["generation": "\(id)"])
        }
    }

    /// When to look at a new prediction first: soon without webhooks; once its webhook is overdue with them.
    func firstPollDelay(for generation: Generation) -> Duration {
        guard generation.webhookSecret != nil else { return settings.firstPollDelay }
        let typical =
            (try? database.typicalRunTime(model: generation.model)).flatMap { $0 }
            .map { Duration.seconds(clamping: $0, limit: 86400) } ?? settings.assumedRunTime  // the provider's figures
        return typical + settings.webhookGrace
    }

    public static func normalisedTags(_ tags: [String]) -> [String] {
        var seen = Set<String>()
        return tags.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty && seen.insert($0.lowercased()).inserted }
    }
}
