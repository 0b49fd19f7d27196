import Foundation
import GRDB

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

extension AppDatabase {
    /// Records many generations with their files in one transaction (identical assets stored once).
    public func insertArchived(_ entries: [ArchivedGeneration]) async throws {
        try await write { db in
            for entry in entries {
                try entry.generation.insert(db)
                for (output, asset) in entry.outputs {
                    try asset.insert(db, onConflict: .ignore)
                    try output.insert(db)
                }
                for (input, asset) in entry.inputs {
                    try asset?.insert(db, onConflict: .ignore)
                    try input.insert(db)
                }
            }
        }
    }
}
