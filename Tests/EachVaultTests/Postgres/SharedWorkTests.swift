import Storage
@testable import StorePostgres
import Foundation
import Logging
import Synchronization
import TestSupport
import Testing

/// What several instances share through PostgreSQL: due rows claimed by one instance at a time under leases that
/// expire, the provider's rate, and wake-ups. Each "instance" here is a pool of its own on one database.
@Suite(.timeLimit(.minutes(5))) struct SharedWorkTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    static var logger: Logger {
        var logger = Logger(label: "test.shared-work")
        logger.logLevel = .error
        return logger
    }

    /// Runs `body` with `count` instances (pools) on one fresh database.
    private func withInstances<T: Sendable>(
        _ count: Int, _ body: @Sendable ([PostgresArchive]) async throws -> T
    ) async throws -> T {
        let server = try await PostgresServer.start()
        let location = try PostgresLocation(url: try await server.database())
        @Sendable func open(_ opened: [PostgresArchive]) async throws -> T {
            guard opened.count < count else { return try await body(opened) }
            return try await PostgresArchive.open(location, logger: Self.logger) { try await open(opened + [$0]) }
        }
        return try await open([])
    }

    private func pending(_ count: Int, in archive: PostgresArchive) async throws -> Set<String> {
        let team = try await archive.createTeam(name: "t", now: start).id
        var ids = Set<String>()
        for index in 0..<count {
            let id = "gen_\(index)"
            _ = try await archive.insertGeneration(
                Generation(
                    id: id, teamID: team, model: "m", version: "1", input: ["prompt": "a fox"], tags: [],
                    now: start.addingTimeInterval(Double(index) / 1000)),
                inputs: [])
            ids.insert(id)
        }
        return ids
    }

    @Test func eachDueRowIsClaimedByExactlyOneOfFourInstances() async throws {
        try await withInstances(4) { instances in
            let ids = try await pending(200, in: instances[0])
            let now = start.addingTimeInterval(1)
            let claims = try await withThrowingTaskGroup(of: (claimed: Set<String>, sent: [String]).self) { group in
                for (index, instance) in instances.enumerated() {
                    group.addTask {
                        // Each claimed row is worked as the submission worker does: its create begins (the row
                        // leaves the queue), and only a create that begins is "sent".
                        var (claimed, sent) = (Set<String>(), [String]())
                        while true {
                            let batch = try await instance.claim(.submissions, now: now, limit: 7, owner: "i\(index)")
                            if batch.isEmpty { return (claimed, sent) }
                            let ids = try batch.map { try $0["id"] as String }
                            claimed.formUnion(ids)
                            for id in ids
                            where try await instance.beginSubmission(id: id, now: now) {
                                sent.append(id)
                            }
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(claims.map(\.claimed.count).reduce(0, +) == 200, "no row claimed by two instances")
            let all = claims.flatMap(\.sent)
            #expect(all.count == 200 && Set(all) == ids, "every create sent once, none twice")
            #expect(claims.filter { !$0.sent.isEmpty }.count > 1, "the instances shared the work")
        }
    }

    @Test func aDeadInstancesLeaseExpiresAndIsTakenOver() async throws {
        try await withInstances(2) { instances in
            let (a, b) = (instances[0], instances[1])
            let ids = try await pending(5, in: a)
            let now = start.addingTimeInterval(1)
            #expect(Set(try await a.claim(.submissions, now: now, limit: 10, owner: "a").map { try $0["id"] as String }) == ids)
            #expect(try await b.claim(.submissions, now: now.addingTimeInterval(60), limit: 10, owner: "b").isEmpty)
            // "a" stops answering: once its leases expire, "b" takes the rows over.
            let later = now.addingTimeInterval(ClaimQueue.submissions.lease + 1)
            #expect(Set(try await b.claim(.submissions, now: later, limit: 10, owner: "b").map { try $0["id"] as String }) == ids)
            #expect(try await a.leases(.submissions, now: later)["gen_0"] == "b")
            // Recorded work ends a lease at once: a create deferred to `later` is claimed again then, though b's
            // lease has not expired.
            try await b.deferSubmission(id: "gen_0", retryAt: later, reason: "429", now: later)
            #expect(try await a.claim(.submissions, now: later, limit: 10, owner: "a").map { try $0["id"] as String } == ["gen_0"])
            #expect(!(try await b.claim(.submissions, now: later, limit: 10, owner: "b").map { try $0["id"] as String }.contains("gen_0")))
        }
    }

    @Test func aCreateCutOffByADeadInstanceIsFoundByItsRestartAtOnceAndByTheOthersLater() async throws {
        try await withInstances(2) { instances in
            var (a, b) = (instances[0], instances[1])
            (a.instanceID, b.instanceID) = ("a", "b")
            _ = try await pending(2, in: a)
            let now = start.addingTimeInterval(1)
            #expect(try await a.claim(.submissions, now: now, limit: 1, owner: "a").map { try $0["id"] as String } == ["gen_0"])
            #expect(try await b.claim(.submissions, now: now, limit: 1, owner: "b").map { try $0["id"] as String } == ["gen_1"])
            await #expect(try a.beginSubmission(id: "gen_0", now: now))
            await #expect(try b.beginSubmission(id: "gen_1", now: now))
            // Both creates are in flight: neither instance takes either for cut off.
            let soon = now.addingTimeInterval(5)
            #expect(try await a.interruptedSubmissions(processStart: start, now: soon).isEmpty)
            #expect(try await b.interruptedSubmissions(processStart: start, now: soon).isEmpty)
            // "a" dies and restarts: its own create from before is cut off, b's is still b's.
            #expect(try await a.interruptedSubmissions(processStart: soon, now: soon).map(\.id) == ["gen_0"])
            // "a" never comes back: b finds its create once no create could still be running.
            let late = now.addingTimeInterval(PostgresArchive.longestCreate + 1)
            #expect(try await b.interruptedSubmissions(processStart: start, now: late).map(\.id) == ["gen_0", "gen_1"])
        }
    }

    @Test func theProviderRateIsSharedAndAPauseHoldsEveryInstance() async throws {
        try await withInstances(3) { instances in
            let slots = try await withThrowingTaskGroup(of: [Double].self) { group in
                for instance in instances {
                    group.addTask {
                        var taken: [Double] = []
                        for _ in 0..<10 {
                            taken.append(try await instance.reserveProviderSlot(interval: 0.5, now: start).timeIntervalSince(start))
                        }
                        return taken
                    }
                }
                return try await group.reduce(into: [Double]()) { $0 += $1 }
            }
            #expect(slots.sorted() == (0..<30).map { Double($0) * 0.5 }, "30 calls, one slot each, half a second apart")
            // A 429 seen by one instance holds the next call of every instance until the pause ends.
            try await instances[1].pauseProvider(until: start.addingTimeInterval(60))
            let next = try await instances[2].reserveProviderSlot(interval: 0.5, now: start.addingTimeInterval(20))
            #expect(next == start.addingTimeInterval(60))
            let after = try await instances[0].reserveProviderSlot(interval: 0.5, now: start.addingTimeInterval(100))
            #expect(after == start.addingTimeInterval(100), "an idle gate lets the next call go at once")
        }
    }

    @Test func anAnnouncementWakesTheOtherInstances() async throws {
        try await withInstances(2) { instances in
            let (listening, listened) = AsyncStream<Void>.makeStream()
            let (heard, hear) = AsyncStream<String>.makeStream()
            let listener = Task {
                await instances[0].listenForWork(listening: { listened.yield() }) { hear.yield($0) }
            }
            defer { listener.cancel() }
            var ready = listening.makeAsyncIterator()
            _ = await ready.next()
            try await instances[1].announceWork("polls")
            var announcements = heard.makeAsyncIterator()
            #expect(await announcements.next() == "polls")
        }
    }
}

extension SharedWorkTests {
    /// At most one delivery in flight per endpoint across instances: while one instance holds a message of an
    /// endpoint, another is given none of that endpoint's messages (other endpoints' still).
    @Test func anEndpointsMessagesAreDeliveredByOneInstanceAtATime() async throws {
        try await withInstances(2) { instances in
            let team = try await instances[0].createTeam(name: "t", now: start).id
            var endpoints: [String] = []
            for name in ["slow", "quick"] {
                let endpoint = try await instances[0].createEndpoint(
                    teamID: team, url: "https://\(name).example.com/hook", events: ["generation.failed"], limit: 10, now: start)
                endpoints.append(try #require(endpoint).id)
            }
            for index in 0..<4 {
                _ = try await instances[0].insertGeneration(
                    Generation(id: "gen_\(index)", teamID: team, model: "m", version: "1", input: [:], tags: [], now: start),
                    inputs: [])
                try await instances[0].failGeneration(id: "gen_\(index)", code: "x", message: "x", now: start)
            }
            let now = start.addingTimeInterval(1)
            let first = try await instances[0].claim(.messages, now: now, limit: 1, owner: "one").map(OutgoingMessage.init)
            #expect(first.count == 1)
            let held = try #require(first.first).endpointID
            let second = try await instances[1].claim(.messages, now: now, limit: 20, owner: "two").map(OutgoingMessage.init)
            #expect(!second.isEmpty && second.allSatisfy { $0.endpointID != held }, "\(second.map(\.endpointID))")
        }
    }
}
