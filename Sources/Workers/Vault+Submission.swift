import Archive
import EachLabs
import Foundation

/// A team's request for a new video.
public struct GenerationRequest: Sendable, Codable {
    public var model: String
    public var version: String?
    public var input: [String: JSONValue]
    public var tags: [String]?

    public init(model: String, version: String? = nil, input: [String: JSONValue], tags: [String]? = nil) {
        self.model = model
        self.version = version
        self.input = input
        self.tags = tags
    }
}

/// Why a request was refused before anything reached the provider.
public enum SubmissionError: Error, Sendable {
    case catalogue(CatalogueError)
    case invalidInput([FieldProblem])
    case invalidRequest(String)
    case storage(String)
}

extension Vault {
    /// Validates `request` against the model's schema, records the generation durably, then submits it once.
    /// A provider hiccup leaves it pending for the submission worker; either way the generation is returned.
    public func createGeneration(_ request: GenerationRequest) async throws(SubmissionError) -> Generation {
        let model: CatalogueModel
        do { model = try await self.model(slug: request.model) } catch { throw .catalogue(error) }
        if let version = request.version, version != model.version {
            throw .invalidRequest("model \(model.slug) has version \(model.version), not \(version)")
        }
        let input: [String: JSONValue]
        switch model.requestSchema.validate(request.input) {
        case .success(let normalised): input = normalised
        case .failure(let failure): throw .invalidInput(failure.problems)
        }
        let tags = Self.normalisedTags(request.tags ?? [])
        let generation: Generation
        do {
            generation = try database.insertGeneration(
                Generation(id: makeGenerationID(now: now()), model: model.slug, version: model.version, input: input,
                           tags: tags, now: now()))
        } catch {
            throw .storage(String(describing: error))
        }
        await submit(generation)
        return (try? database.generation(id: generation.id)) ?? generation
    }

    /// Sends one create for a pending generation and records the outcome. Intent is committed before the call,
    /// so a crash in between is detected on restart rather than answered with a second (billed) prediction.
    func submit(_ generation: Generation) async {
        let id = generation.id
        guard (try? database.beginSubmission(id: id, now: now())) == true else { return }
        let attempt = generation.submitAttempts + 1
        do {
            let predictionID = try await provider.createPrediction(
                CreatePrediction(model: generation.model, version: generation.version, input: generation.input))
            try database.recordSubmitted(id: id, predictionID: predictionID, now: now(),
                                         firstPollAt: after(settings.firstPollDelay))
            pollsDue.signal()
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
                // The create may have reached the provider: the row keeps its intent mark and is reconciled,
                // never sent again blindly.
                try database.failGeneration(
                    id: id, code: "submit_uncertain",
                    message: "the provider may have started this prediction but its answer was lost (\(error)); "
                        + "it was not resent to avoid paying twice", now: now)
            } else if error.isTransient && attempt < settings.maxSubmitAttempts {
                let wait: Duration
                if case .rateLimited(let retryAfter?) = error { wait = retryAfter } else {
                    wait = settings.providerRetry.delay(attempt: attempt - 1)
                }
                try database.deferSubmission(id: id, retryAt: now.addingTimeInterval(wait.seconds),
                                             reason: "attempt \(attempt): \(error)", now: now)
                submissionsDue.signal()
            } else {
                try database.failGeneration(id: id, code: Self.failureCode(for: error), message: error.description,
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

    /// Generations whose create was in flight when the service stopped: with no way to ask the provider which
    /// predictions exist, they end `submit_uncertain` rather than risk a second billed prediction.
    public func reconcileInterruptedSubmissions() {
        for generation in (try? database.interruptedSubmissions()) ?? [] {
            try? database.failGeneration(
                id: generation.id, code: "submit_uncertain",
                message: "the service stopped while the create call was in flight; it was not resent to avoid "
                    + "paying twice", now: now())
            logger.warning("interrupted submission", metadata: ["generation": "\(generation.id)"])
        }
    }

    static func normalisedTags(_ tags: [String]) -> [String] {
        var seen = Set<String>()
        return tags.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty && seen.insert($0.lowercased()).inserted }
    }
}
