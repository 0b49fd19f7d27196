import Foundation
import GRDB

/// What recording an imported prediction did.
public enum ImportRecord: Sendable, Equatable {
    case imported(Generation)
    /// The prediction is already archived, by this team (`sameTeam`) or another.
    case alreadyArchived(generationID: String, sameTeam: Bool)
}

extension AppDatabase {
    /// The generation archiving a provider prediction, whichever team holds it.
    public func generation(predictionID: String) throws -> Generation? {
        try writer.read { db in try Generation.filter(Column("prediction_id") == predictionID).fetchOne(db) }
    }

    /// Records a prediction made outside EachVault as a submitted generation and moves it on by what the provider
    /// says, in one transaction (so two imports of one prediction race to a single row).
    public func recordImport(_ generation: Generation, inputs: [GenerationInput], outcome: PollOutcome, now: Date)
        throws -> ImportRecord
    {
        try writer.write { db in
            if let predictionID = generation.predictionID,
               let existing = try Generation.filter(Column("prediction_id") == predictionID).fetchOne(db)
            {
                return .alreadyArchived(generationID: existing.id, sameTeam: existing.teamID == generation.teamID)
            }
            try generation.insert(db)
            for input in inputs { try input.insert(db) }
            try Self.appendEvent(db, generation.id, "imported",
                                 "prediction \(generation.predictionID ?? "?") of model \(generation.model)", at: now)
            try Self.apply(db, generation, outcome, source: "imported", at: now)
            return .imported(try Generation.fetchOne(db, key: ["id": generation.id]) ?? generation)
        }
    }
}
