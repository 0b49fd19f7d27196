import Dispatch
import Testing

@testable import Archive

/// The shared asynchronous store logic runs on SQLite's connection thread: every job of its task runs on the thread
/// that called `runToCompletion` (where GRDB lends the connection), even after the work awaited an actor elsewhere.
@Suite(.timeLimit(.minutes(1))) struct RunToCompletionTests {
    private actor Elsewhere {
        var visits = 0
        func visit() -> Int {
            visits += 1
            return visits
        }
    }

    private struct Refused: Error {}

    @Test func everyStepRunsOnTheCallingThreadAndTheResultOrErrorComesBack() throws {
        let key = DispatchSpecificKey<String>()
        let queue = DispatchQueue(label: "connection")
        queue.setSpecific(key: key, value: "connection")
        let elsewhere = Elsewhere()
        let steps = try queue.sync {
            try runToCompletion { () async throws -> [String?] in
                var seen = [DispatchQueue.getSpecific(key: key)]
                _ = await elsewhere.visit()  // a real hop away and back
                seen.append(DispatchQueue.getSpecific(key: key))
                return seen
            }
        }
        #expect(steps == ["connection", "connection"])
        #expect(throws: Refused.self) {
            try queue.sync { try runToCompletion { () async throws -> Int in throw Refused() } }
        }
    }
}
