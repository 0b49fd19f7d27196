import Foundation

/// A file a generation refers to that the archive fetches and keeps: an output the provider made, or a media input
/// (lineage). Both are stored the same way (one download path); they differ only in the policy `Kind` states.
public enum PendingFile: Sendable, Hashable {
    case output(GenerationOutput)
    case input(GenerationInput)

    /// Outputs and inputs wait in queues of their own, each with its own workers.
    public enum Kind: Sendable, CaseIterable {
        case output, input
    }

    /// A row of the queue of files of `kind` (`PendingFile.Kind.queue`).
    package init(_ kind: Kind, row: SQLRow) throws {
        switch kind {
        case .output: self = .output(try GenerationOutput(row: row))
        case .input: self = .input(try GenerationInput(row: row))
        }
    }

    public var kind: Kind {
        switch self {
        case .output: .output
        case .input: .input
        }
    }

    public var generationID: String {
        switch self {
        case .output(let output): output.generationID
        case .input(let input): input.generationID
        }
    }

    public var sourceURL: String {
        switch self {
        case .output(let output): output.sourceURL
        case .input(let input): input.sourceURL
        }
    }

    /// Attempts made so far.
    public var attempts: Int {
        switch self {
        case .output(let output): output.attempts
        case .input(let input): input.attempts
        }
    }

    /// How events and logs name the file: `output 0`, `image_url#1`.
    public var label: String {
        switch self {
        case .output(let output): "output \(output.position)"
        case .input(let input): "\(input.field)#\(input.position)"
        }
    }

    /// Unique among pending files, and stable across attempts and restarts: names the partial file a retry resumes.
    public var key: String {
        switch self {
        case .output(let output): "\(output.generationID)-\(output.position)"
        case .input(let input): "\(input.generationID)-in-\(input.field)-\(input.position)"
        }
    }
}
