import Foundation

/// What recording an imported prediction did.
public enum ImportRecord: Sendable, Equatable {
    case imported(Generation)
    /// This team archived the prediction already.
    case alreadyArchived(generationID: String)
    /// Another team holds the prediction, or deleted it: not this team's to claim (and not to be told apart from an
    /// unknown id).
    case notClaimable
}

extension SQLArchive {
    /// Whether `teamID` may import the prediction: nil when it may; otherwise what an import answers without asking
    /// the provider (the team holds it already, or it is another team's, held or deleted).
    public func importClaim(predictionID: String, teamID: String?) async throws -> ImportRecord? {
        try await reading { db in try Self.claim(db, predictionID: predictionID, teamID: teamID) }
    }

    private static func claim(_ db: any SQLSession, predictionID: String, teamID: String?) throws -> ImportRecord? {
        if let existing = try db.fetchOne(Generation.self, "SELECT * FROM generations WHERE prediction_id = \(predictionID)") {
            return existing.teamID == teamID ? .alreadyArchived(generationID: existing.id) : .notClaimable
        }
        let deletedBy = try db.value(String.self, "SELECT team_id FROM deleted_predictions WHERE prediction_id = \(predictionID)")
        return deletedBy.map { $0 == teamID ? nil : .notClaimable } ?? nil
    }

    /// Records a prediction made outside EachVault as a submitted generation and moves it on by what the provider
    /// says, in one transaction (so two imports of one prediction race to a single row).
    public func recordImport(_ generation: Generation, inputs: [GenerationInput], outcome: PollOutcome, now: Date)
        async throws -> ImportRecord
    {
        try await writing { db in
            if let predictionID = generation.predictionID {
                if let claim = try Self.claim(db, predictionID: predictionID, teamID: generation.teamID) { return claim }
                try db.execute("DELETE FROM deleted_predictions WHERE prediction_id = \(predictionID)")
            }
            try db.insert(generation)
            for input in inputs { try db.insert(input) }
            try db.appendEvent(
                generation.id, "imported",
                "prediction \(generation.predictionID ?? "?") of model \(generation.model)", at: now)
            let stored = try db.generation(id: generation.id) ?? generation
            let step = GenerationLife.reported(outcome, by: .imported, stored, at: now)
            try db.persist(step, from: stored, at: now)
            return .imported(step.generation)
        }
    }
}
