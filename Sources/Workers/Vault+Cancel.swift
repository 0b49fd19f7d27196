import EachLabs
import Foundation
import Storage
import VaultDomain

/// Why a cancel changed nothing.
public enum CancelRefusal: Error, Sendable, Equatable {
    case notFound
    /// Ended already (completed or failed), or finished at the provider and its files are being fetched.
    case finished(GenerationStatus)
    /// Its create is on the way to the provider (or may have arrived): there is no prediction to stop yet.
    case createInFlight
    /// The provider could not be asked; nothing changed.
    case provider(ProviderError)
}

extension Vault {
    /// Cancels the team's generation. One not yet sent ends here, with nothing sent; a prediction at the provider is
    /// read (for its cancel URL) and cancelled there, and the generation moves as the provider's answer says:
    /// cancelled, still stopping (polled until it ends), or finished first (`CancelRefusal.finished`). Cancelling a
    /// cancelled generation answers it again.
    public func cancelGeneration(id: String, teamID: String) async throws -> Generation {
        guard let generation = try await store.generation(id: id), generation.teamID == teamID else {
            throw CancelRefusal.notFound
        }
        switch generation.status {
        case .cancelled:
            return generation
        case .completed, .failed, .downloading:
            throw CancelRefusal.finished(generation.status)
        case .pending:
            guard try await store.cancelGeneration(id: id, teamID: teamID, answer: nil, now: now()) else {
                throw CancelRefusal.createInFlight
            }
        case .submitted, .processing:
            guard let predictionID = generation.predictionID else { throw CancelRefusal.createInFlight }
            let answer = try await askProviderToCancel(predictionID, generation)
            _ = try await store.cancelGeneration(id: id, teamID: teamID, answer: answer, now: now())
            switch answer {
            case .succeeded: downloadsDue.signal()
            case .running: pollsDue.signal()
            case .failed, .cancelled: break
            }
        }
        guard let after = try await store.generation(id: id) else { throw CancelRefusal.notFound }
        if after.status == .completed || after.status == .failed || after.status == .downloading {
            throw CancelRefusal.finished(after.status)
        }
        return after
    }

    /// Reads the prediction (where it stands, and its cancel URL) and, unless it has ended, cancels it: the
    /// provider's last word on it.
    private func askProviderToCancel(_ predictionID: String, _ generation: Generation) async throws(CancelRefusal)
        -> PollOutcome
    {
        do throws(ProviderError) {
            var prediction = try await provider.prediction(id: predictionID)
            if !prediction.status.isFinal {
                if let answer = try await provider.cancelPrediction(prediction) {
                    prediction = answer
                } else {
                    prediction = try await provider.prediction(id: predictionID)
                }
            }
            return outcome(of: prediction, generation)
        } catch {
            throw .provider(error)
        }
    }
}
