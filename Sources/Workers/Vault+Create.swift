import EachLabs
import Foundation
import Storage
import Transport
import VaultContract
import VaultDomain

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
    /// The archive cannot record anything now (its database unreachable, its disk full): nothing was sent.
    case unavailable(StoreUnavailable)
    /// The create's estimate would take the team past its monthly budget, which renews at `monthEnds`.
    case budgetExceeded(BudgetExceeded, monthEnds: Date)
    /// The team's files already take its storage limit.
    case storageLimitReached(usedBytes: Int64, limitBytes: Int64)
}

extension Vault {
    /// The longest generation id a request may name (`made_from`); EachVault's own are 30 bytes.
    static let maxIDBytes = 64

    /// Validates `request` against the model's schema and records the generation durably (or answers with the team's
    /// identical earlier one); the answer does not wait for the provider. The submission worker sends the create at
    /// once (the intent journal makes it exactly-once), so a refusal by the provider shows up as the generation's
    /// failure, as a poll's would.
    public func createGeneration(_ request: GenerationRequest, teamID: String) async throws(SubmissionError)
        -> CreatedGeneration
    {
        let (model, validInput, tags) = try await validated(request)
        if let low = lowDiskSpace() { throw .unavailable(low) }
        if let original = request.madeFrom {
            let found = try? await store.generationDetail(id: original, teamID: teamID)
            guard found != nil else {
                throw .invalidInput([FieldProblem(field: "made_from", problem: "no generation \(original) in this team")])
            }
        }
        let budget = try await limits(of: teamID)
        let resolved = try await resolveLocalFiles(validInput, schema: model.requestSchema, teamID: teamID, upload: true)
        let input = resolved.input
        let key = model.requestSchema.canonicalKey(model: model.slug, version: model.version, input: input)
        let id = Secrets.generationID(now: now())
        var fresh = Generation(
            id: id, teamID: teamID, model: model.slug, version: model.version, input: input,
            tags: tags,
            webhookSecret: webhooksEnabled ? Secrets.webhookSecret() : nil, requestKey: key, now: now())
        fresh.madeFrom = request.madeFrom
        fresh.estimatedCostUSD = CostEstimate(cost: model.cost, input: model.requestSchema.applyingDefaults(to: input)).usd
        let inputs = lineage(of: input, schema: model.requestSchema, generationID: id, storedFiles: resolved.storedFiles)
        let recorded: (generation: Generation, deduplicated: Bool)
        do {
            recorded = try await store.insertGeneration(
                fresh, inputs: inputs, deduplicating: request.dedup != false, budget: budget, now: now())
        } catch let refused as BudgetExceeded {
            throw .budgetExceeded(refused, monthEnds: Self.month(of: now()).end)
        } catch {
            throw storeFailure(error, while: "recording the generation")
        }
        let generation = recorded.generation
        if recorded.deduplicated { return CreatedGeneration(generation: generation, deduplicatedFrom: generation.id) }
        submissionsDue.signal()  // the create goes out from the submission worker, paced by the rate gate
        return CreatedGeneration(generation: generation)
    }

    /// What a store failure while handling a request is to its caller: an outage (503 or 507, nothing sent), or
    /// an error logged here and answered without its detail.
    func storeFailure(_ error: any Error, while what: String) -> SubmissionError {
        if let outage = error as? StoreUnavailable { return .unavailable(outage) }
        logger.error("the store failed while \(what)", metadata: ["error": "\(error)"])
        return .storage("the archive failed while \(what)")
    }

    /// The model and the validated, normalised input; or why the request is refused.
    /// The request's model, its input as the schema takes it, and its tags as stored; or every problem found.
    func validated(_ request: GenerationRequest) async throws(SubmissionError)
        -> (model: CatalogueModel, input: [String: JSONValue], tags: [String])
    {
        if let original = request.madeFrom, original.utf8.count > Self.maxIDBytes {
            throw .invalidRequest("made_from names a generation id: at most \(Self.maxIDBytes) bytes")
        }
        let model: CatalogueModel
        do { model = try await self.model(slug: request.model) } catch { throw .catalogue(error) }
        if let version = request.version, version != model.version {
            throw .invalidRequest("model \(model.slug) has version \(model.version), not \(version)")
        }
        var problems: [FieldProblem] = []
        var tags: [String] = []
        do { tags = try Annotations.tags(request.tags ?? []) } catch {
            problems.append(FieldProblem(field: error.field, problem: error.problem))
        }
        switch model.requestSchema.validate(request.input) {
        case .success(let input):
            problems += await mediaProblems(in: input, schema: model.requestSchema)
            guard problems.isEmpty else { throw .invalidInput(problems) }
            return (model, input, tags)
        case .failure(let failure):
            throw .invalidInput(failure.problems + problems)
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

}
