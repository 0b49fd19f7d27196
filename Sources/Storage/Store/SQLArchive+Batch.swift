import Foundation

/// A generation with its stored outputs and inputs, recorded in one piece (a finished import, a generated corpus).
public struct ArchivedGeneration: Sendable {
    public var generation: Generation
    public var outputs: [(GenerationOutput, Asset)]
    public var inputs: [(GenerationInput, Asset?)]

    public init(generation: Generation, outputs: [(GenerationOutput, Asset)], inputs: [(GenerationInput, Asset?)] = []) {
        self.generation = generation
        self.outputs = outputs
        self.inputs = inputs
    }
}

extension SQLArchive {
    /// Records many generations with their files in one transaction (identical assets stored once).
    public func insertArchived(_ entries: [ArchivedGeneration]) async throws {
        try await writing { db in
            for entry in entries {
                try db.insert(entry.generation)
                for (output, asset) in entry.outputs {
                    try Self.insertAsset(db, asset, team: entry.generation.teamID)
                    try db.insert(output)
                }
                for (input, asset) in entry.inputs {
                    if let asset { try Self.insertAsset(db, asset, team: entry.generation.teamID) }
                    try db.insert(input)
                }
            }
        }
    }
}
