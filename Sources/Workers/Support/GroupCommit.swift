import Synchronization

/// Many callers' small writes committed together: the first caller to arrive while no batch is being written starts
/// a writer task, which commits everything queued so far in one transaction, then whatever queued
/// meanwhile, until the queue is empty. Alone, a write commits at once; under load, one commit (and one journal sync)
/// serves many callers, and each is answered only after the commit that holds its write. Reads batch the same way
/// (`Vault.webhookSecretReads`: one trip to a database thread for many lookups).
final class GroupCommit<Input: Sendable, Output: Sendable>: Sendable {
    typealias Waiter = CheckedContinuation<Result<Output, any Error>, Never>

    private struct State {
        var queued: [(input: Input, waiter: Waiter)] = []
        var writing = false
    }

    private let state = Mutex(State())
    /// The most writes one transaction holds.
    private let maxBatch: Int
    /// Commits a batch in one transaction: one result per input, in order.
    private let commit: @Sendable ([Input]) async throws -> [Result<Output, any Error>]

    init(maxBatch: Int = 256, commit: @escaping @Sendable ([Input]) async throws -> [Result<Output, any Error>]) {
        self.maxBatch = maxBatch
        self.commit = commit
    }

    /// Writes waiting for the next commit (for tests and diagnostics).
    var queuedCount: Int { state.withLock { $0.queued.count } }

    func write(_ input: Input) async throws -> Output {
        let result = await withCheckedContinuation { (waiter: Waiter) in
            let startsWriter = state.withLock { state -> Bool in
                state.queued.append((input, waiter))
                guard !state.writing else { return false }
                state.writing = true
                return true
            }
            if startsWriter { Task { await self.drain() } }
        }
        return try result.get()
    }

    private func drain() async {
        while true {
            let batch = state.withLock { state -> [(input: Input, waiter: Waiter)] in
                let batch = Array(state.queued.prefix(maxBatch))
                state.queued.removeFirst(batch.count)
                if batch.isEmpty { state.writing = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            do {
                let results = try await commit(batch.map(\.input))
                for (entry, result) in zip(batch, results) { entry.waiter.resume(returning: result) }
                for entry in batch.dropFirst(results.count) {
                    entry.waiter.resume(returning: .failure(GroupCommitError.missingResult))
                }
            } catch {
                for entry in batch { entry.waiter.resume(returning: .failure(error)) }
            }
        }
    }
}

enum GroupCommitError: Error {
    /// The commit returned fewer results than it was given writes.
    case missingResult
}
