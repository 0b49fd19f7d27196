import Foundation
import Synchronization
import TestSupport
import Testing
import Transport

/// Blocking work of one kind runs at most `width` jobs at once; the rest wait without a thread, and a job that
/// throws still frees its place.
@Suite(.timeLimit(.minutes(5))) struct BlockingLaneTests {
    final class Gauge: Sendable {
        private let state = Mutex((now: 0, most: 0))
        func enter() {
            state.withLock {
                $0.now += 1; $0.most = max($0.most, $0.now)
            }
        }
        func leave() { state.withLock { $0.now -= 1 } }
        var most: Int { state.withLock { $0.most } }
    }

    struct Refused: Error {}

    @Test func neverMoreThanItsWidthRunAndEveryJobFinishes() async throws {
        let lane = BlockingLane(width: 3)
        let gauge = Gauge()
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<40 {
                group.addTask {
                    try await lane.run {
                        gauge.enter()
                        defer { gauge.leave() }
                        usleep(2_000)  // a blocking call, as the lane's jobs are
                        return index
                    }
                }
            }
            return try await group.reduce(into: Set<Int>()) { $0.insert($1) }
        }
        #expect(results == Set(0..<40))
        #expect(gauge.most <= 3 && gauge.most >= 2)
    }

    @Test func aJobThatThrowsFreesItsPlace() async throws {
        let lane = BlockingLane(width: 1)
        for _ in 0..<3 {
            await #expect(throws: Refused.self) { try await lane.run { () throws -> Int in throw Refused() } }
        }
        #expect(try await lane.run { 42 } == 42)  // would wait forever if a failed job kept the only place
    }
}
