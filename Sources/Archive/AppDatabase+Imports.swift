import Foundation
import GRDB

/// What recording an imported prediction did.
public enum ImportRecord: Sendable, Equatable {
    case imported(Generation)
    /// This team archived the prediction already.
    case alreadyArchived(generationID: String)
    /// Another team holds the prediction, or deleted it: not this team's to claim (and not to be told apart from an
    /// unknown id).
    case notClaimable
}

extension AppDatabase {
    /// Whether `teamID` may import the prediction: nil when it may; otherwise what an import answers without asking
    /// the provider (the team holds it already, or it is another team's, held or deleted).
    public func importClaim(predictionID: String, teamID: String?) async throws -> ImportRecord? {
        try await read { db in try Self.claim(db, predictionID: predictionID, teamID: teamID) }
    }

    private static func claim(_ db: Database, predictionID: String, teamID: String?) throws -> ImportRecord? {
        if let existing = try Generation.filter(Generation.Columns.predictionID == predictionID).fetchOne(db) {
            return existing.teamID == teamID ? .alreadyArchived(generationID: existing.id) : .notClaimable
        }
        let deletedBy = try String.fetchOne(
            db, sql: "SELECT team_id FROM deleted_predictions WHERE prediction_id = ?", arguments: [predictionID])
        return deletedBy.map { $0 == teamID ? nil : .notClaimable } ?? nil
    }

    /// Records a prediction made outside EachVault as a submitted generation and moves it on by what the provider
    /// says, in one transaction (so two imports of one prediction race to a single row).
    public func recordImport(_ generation: Generation, inputs: [GenerationInput], outcome: PollOutcome, now: Date)
        async throws -> ImportRecord
    {
        try await write { db in
            if let predictionID = generation.predictionID {
                if let claim = try Self.claim(db, predictionID: predictionID, teamID: generation.teamID) { return claim }
                try db.execute(sql: "DELETE FROM deleted_predictions WHERE prediction_id = ?", arguments: [predictionID])
            }
            try generation.insert(db)
            for input in inputs { try input.insert(db) }
            try db.appendEvent(
                generation.id, "imported",
                "prediction \(generation.predictionID ?? "?") of model \(generation.model)", at: now)
            try Self.apply(db, generation, outcome, source: "imported", at: now)
            return .imported(try Generation.find(db, id: generation.id) ?? generation)
        }
    }
}
