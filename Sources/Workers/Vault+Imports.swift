import EachLabs
import Foundation
import Storage
import VaultContract

extension Vault {
    /// Archives predictions made outside EachVault: one read each, a generation with the prediction's input (its
    /// media inputs kept for lineage), its outputs downloaded like any other; a running one is polled to the end.
    /// Importing a prediction the team already archived is a no-op without a provider call.
    /// - Parameter model: the model, when the caller knows it (the provider's read does not name it).
    public func importPredictions(_ ids: [String], teamID: String, model slug: String?) async -> [ImportResult] {
        var results: [ImportResult] = []
        for id in ids {
            results.append(await importPrediction(id.trimmingCharacters(in: .whitespaces), teamID: teamID, model: slug))
        }
        downloadsDue.signal()
        inputsDue.signal()
        pollsDue.signal()
        return results
    }

    private func importPrediction(_ id: String, teamID: String, model slug: String?) async -> ImportResult {
        func result(_ outcome: ImportOutcome, _ generationID: String? = nil, _ message: String? = nil) -> ImportResult {
            ImportResult(predictionID: id, outcome: outcome, generationID: generationID, message: message)
        }
        let notFound = result(.notFound, nil, "no prediction \(id) to import")
        guard !id.isEmpty else { return notFound }
        switch try? await store.importClaim(predictionID: id, teamID: teamID) {
        case .alreadyArchived(let existing): return result(.alreadyArchived, existing)
        case .notClaimable, .imported: return notFound
        case nil: break
        }
        let prediction: Prediction
        do { prediction = try await provider.prediction(id: id) } catch .notFound {
            return notFound
        } catch {
            return result(.failed, nil, "cannot read the prediction: \(error)")
        }
        var model: CatalogueModel?
        if let slug { model = try? await self.model(slug: slug) }
        let schema = model?.requestSchema ?? RequestSchema(required: [], properties: [:])
        let input = prediction.input ?? [:]
        let generation = newGeneration(
            recording: prediction, id: id, teamID: teamID, model: model?.slug ?? slug ?? "unknown",
            version: model?.version ?? "", input: input, tags: [],
            requestKey: model.map { schema.canonicalKey(model: $0.slug, version: $0.version, input: input) })
        do {
            switch try await store.recordImport(
                generation,
                inputs: lineage(
                    of: input, schema: schema,
                    generationID: generation.id),
                outcome: outcome(of: prediction, generation), now: now())
            {
            case .imported(let stored):
                logger.info("imported", metadata: ["generation": "\(stored.id)", "prediction": "\(id)"])
                return result(.imported, stored.id)
            case .alreadyArchived(let existing):
                return result(.alreadyArchived, existing)
            case .notClaimable:
                return notFound
            }
        } catch {
            return result(.failed, nil, "cannot record the import: \(error)")
        }
    }

    /// A new generation recording `prediction` (asked for as `predictionID`), which the provider already runs: an
    /// import, or a second prediction of a request. Submitted, its prediction known, origin `imported`.
    func newGeneration(
        recording prediction: Prediction, id predictionID: String, teamID: String?, model: String, version: String,
        input: [String: JSONValue], tags: [String], requestKey: String?
    ) -> Generation {
        var generation = Generation(
            id: Secrets.generationID(now: now()), teamID: teamID, model: model, version: version, input: input,
            tags: tags, requestKey: requestKey, now: now())
        generation.origin = .imported
        generation.status = .submitted
        generation.predictionID = prediction.id.isEmpty ? predictionID : prediction.id
        generation.submittedAt = now()
        return generation
    }
}
