import EachLabs
import Foundation
import Storage

extension Vault {
    /// Confirms a second prediction that an authentic webhook tied to a generation. The provider's own read must
    /// show this generation's request (the same canonical input); then the prediction, billed, is archived as a
    /// generation of its own and its outputs are downloaded like any. Anything else changes nothing.
    func confirm(_ extra: ExtraPrediction) async throws {
        let generation = extra.generation
        let prediction: Prediction
        do {
            prediction = try await provider.prediction(id: extra.predictionID)
        } catch .notFound {
            try await refuse(extra, "the provider knows no such prediction")
            return
        } catch {
            try await postpone(extra)
            return
        }
        guard let schema = try? await model(slug: generation.model).requestSchema,
            let input = prediction.input,
            schema.canonicalKey(model: generation.model, version: generation.version, input: input)
                == schema.canonicalKey(model: generation.model, version: generation.version, input: generation.input)
        else {
            try await refuse(extra, "the prediction's input is not this generation's request")
            return
        }
        let copy = newGeneration(
            recording: prediction, id: extra.predictionID, teamID: generation.teamID, model: generation.model,
            version: generation.version, input: generation.input, tags: generation.tags,
            requestKey: generation.requestKey)
        do {
            let stored = try await store.recordExtraPrediction(
                copy, of: generation, outcome: outcome(of: prediction, copy),
                now: now())
            logger.warning(
                "a create answered with an error had started a prediction; archived it",
                metadata: [
                    "generation": "\(generation.id)", "extra": "\(stored.id)",
                    "prediction": "\(extra.predictionID)",
                ])
            downloadsDue.signal()
            inputsDue.signal()
            pollsDue.signal()
        } catch {
            logger.error("cannot record a confirmed prediction", metadata: ["prediction": "\(extra.predictionID)"])
            try await postpone(extra)
        }
    }

    private func postpone(_ extra: ExtraPrediction) async throws {
        let until = after(settings.providerRetry.cap)
        try await recording("a postponed confirmation", await store.postponeExtraPrediction(extra.predictionID, until: until))
    }

    private func refuse(_ extra: ExtraPrediction, _ why: String) async throws {
        logger.warning(
            "webhook named a prediction the provider does not confirm",
            metadata: ["generation": "\(extra.generation.id)", "reason": "\(why)"])
        try await recording("a refused prediction", await store.refuseExtraPrediction(extra.predictionID))
    }
}
