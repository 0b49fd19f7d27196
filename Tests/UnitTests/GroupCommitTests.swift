import Foundation
import Synchronization
import Testing
@testable import Workers
import TestSupport

/// Writes arriving while a batch is being committed wait for the next batch, together; each is answered with its
/// own result, and a failed commit fails only the writes it held.
@Suite(.timeLimit(.minutes(5))) struct GroupCommitTests {
    struct Refused: Error {}

    /// Holds the first commit until released, recording every batch's size.
    final class GatedCommits: Sendable {
        let batches = Mutex<[Int]>([])
        let gate = DispatchSemaphore(value: 0)
        let started = DispatchSemaphore(value: 0)

        func commit(_ inputs: [Int]) throws -> [Result<Int, any Error>] {
            let first = batches.withLock { batches in
                batches.append(inputs.count)
                return batches.count == 1
            }
            if first {
                started.signal()
                gate.wait()
            }
            return inputs.map { $0 < 0 ? .failure(Refused()) : .success($0 * 2) }
        }
    }

    @Test func writesQueuedBehindACommitShareTheNextOne() async throws {
        let commits = GatedCommits()
        let group = GroupCommit<Int, Int> { try commits.commit($0) }
        async let first = group.write(1)
        await Task.detached { commits.started.wait() }.value  // the first batch is being committed
        let answers = try await withThrowingTaskGroup(of: (Int, Int).self) { tasks in
            for value in 2...50 { tasks.addTask { (value, try await group.write(value)) } }
            // Every one of them is queued before the first commit ends.
            while group.queuedCount < 49 { await Task.yield() }
            commits.gate.signal()
            return try await tasks.reduce(into: [Int: Int]()) { $0[$1.0] = $1.1 }
        }
        #expect(try await first == 2)
        #expect(answers.count == 49 && answers.allSatisfy { $0.value == $0.key * 2 })
        #expect(commits.batches.withLock { $0 } == [1, 49])
    }

    @Test func aFailedWriteIsAnsweredWithItsErrorAndTheOthersWithTheirs() async throws {
        let group = GroupCommit<Int, Int> { inputs in
            inputs.map { $0 < 0 ? .failure(Refused()) : .success($0) }
        }
        await #expect(throws: Refused.self) { try await group.write(-1) }
        #expect(try await group.write(7) == 7)
        let failing = GroupCommit<Int, Int> { _ in throw Refused() }
        await #expect(throws: Refused.self) { try await failing.write(1) }
    }
}
