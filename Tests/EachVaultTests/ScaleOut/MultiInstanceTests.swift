import Foundation
import Simulator
import Storage
import TestSupport
import Testing

/// Three instances on one PostgreSQL and one bucket behind nginx, every fault at a few percent, bursts of 429s and
/// 500s, one instance SIGKILLed twice mid-run and restarted, PostgreSQL's sessions terminated at the first kill and
/// the server restarted at the second: every generation settles exactly once, with one provider create at most, its
/// bytes stored once and verified. `EACHVAULT_FLEET_GENERATIONS` sets the size (default 300).
@Suite struct MultiInstanceTests {
    static let generations = Int(ProcessInfo.processInfo.environment["EACHVAULT_FLEET_GENERATIONS"] ?? "") ?? 300
    static let terminateOtherSessions =
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"

    @Test(.timeLimit(.minutes(15)))
    func threeHundredGenerationsOnThreeInstancesSurviveFaultsBurstsAndTwoKills() async throws {
        let faults = {
            var faults = SimulatorFaults.everything(at: 0.03)
            faults.rateLimit = 0.02
            return faults
        }()
        let fleet = try await Fleet.start(
            instances: 3,
            simulator: SimulatorSettings(
                apiKey: Harness.apiKey, runTime: .seconds(1), webhookRetryInterval: .milliseconds(300), faults: faults))
        let clients = (0..<8).map { _ in fleet.client() }
        let requests = try ChaosRun.requests(Self.generations, simulatorURL: fleet.simulatorServer.baseURL)
        let victim = fleet.instances[1]
        let progress = try await ChaosRun.submit(requests, clients: { clients[$0] }) { progress in
            for fraction in [1, 2] {
                await progress.waitUntil(submitted: fraction * Self.generations / 3)
                // The provider throttles and fails a run of calls just as an instance dies mid-flight; the others
                // take the public URL's traffic (and the webhooks) until it is back.
                var burst = faults
                (burst.rateLimitNext, burst.failCreatesNext, burst.failReadsNext) = (20, 6, 6)
                await fleet.simulator.setFaults(burst)
                await victim.kill()
                // The database fails under the others meanwhile: every session ended by the server, then a restart.
                if fraction == 1 {
                    _ = try await fleet.postgres.psql(fleet.databaseURL, Self.terminateOtherSessions)
                } else {
                    try await fleet.postgres.stop()
                    try await fleet.postgres.resume()
                }
                await progress.waitUntil(submitted: fraction * Self.generations / 3 + Self.generations / 12)
                try await victim.start()
            }
        }
        let (accepted, interrupted) = await progress.counts
        #expect(accepted + interrupted == Self.generations)
        let errors = await progress.errors
        #expect(interrupted < Self.generations / 10, "\(errors)")

        try await fleet.withArchive { archive in
            try await ChaosRun.settle(archive)
            let created = try await archive.searchGenerations(GenerationQuery(limit: 500)).filter { $0.predictionID != nil }
            let unfetched = try await archive.generationDetails(created).filter { $0.inputs.contains { $0.asset == nil } }
                .map(\.generation.id)
            #expect(unfetched.isEmpty, "inputs never fetched; the instances said: \(fleet.logLines(mentioning: unfetched).suffix(40))")
            try await ChaosRun.audit(
                archive, blobs: try fleet.blobs(), truth: await fleet.simulator.truth(), submitted: Self.generations,
                accepted: accepted)
            // The bucket holds each blob once and nothing else: one object per content address the archive knows.
            let assets = try await archive.allAssets()
            let keys = try await fleet.storedKeys()
            #expect(keys.count == assets.count && Set(keys).count == keys.count, "\(keys.count) objects, \(assets.count) assets")
        }
        // Every instance took part: each claimed submissions and downloads (leases stay behind, ended, as a record).
        let owners = try await fleet.postgres.psql(
            fleet.databaseURL,
            "SELECT string_agg(DISTINCT owner, ',' ORDER BY owner) FROM work_leases WHERE queue IN ('submissions', 'downloads')")
        #expect(owners == "instance-0,instance-1,instance-2")
        await fleet.stop()
        let verified = try await fleet.instances[0].command(["verify", "--rehash"])
        #expect(verified.status == 0 && verified.output.contains(", 0 missing"), "\(verified.output)")
    }
}

/// `make bench-instances`: generations settled per minute by one and by three instances (release builds) against a
/// fast, fault-free simulator, everything on this one host. Not part of the suite: it prints figures for docs/performance.md.
/// `EACHVAULT_BENCH_INSTANCES` is the number of generations per run.
@Suite(.timeLimit(.minutes(30))) struct MultiInstanceThroughput {
    static let generations = Int(ProcessInfo.processInfo.environment["EACHVAULT_BENCH_INSTANCES"] ?? "")

    @Test(.enabled(if: generations != nil))
    func generationsSettledPerMinuteByOneAndThreeInstances() async throws {
        let count = Self.generations ?? 0
        for instances in [1, 3] {
            let fleet = try await Fleet.start(
                instances: instances,
                simulator: SimulatorSettings(
                    apiKey: Harness.apiKey, runTime: .milliseconds(200), webhookRetryInterval: .milliseconds(300)),
                environment: ["EACHVAULT_PROVIDER_RPS": "1000"])
            let clients = (0..<8).map { _ in fleet.client() }
            let requests = try ChaosRun.requests(count, simulatorURL: fleet.simulatorServer.baseURL)
            let start = ContinuousClock.now
            _ = try await ChaosRun.submit(requests, clients: { clients[$0] }) { _ in }
            let submitted = ContinuousClock.now - start
            try await fleet.withArchive { try await ChaosRun.settle($0) }
            let settled = ContinuousClock.now - start
            let seconds = Double(settled.components.seconds) + Double(settled.components.attoseconds) / 1e18
            print(
                "fleet: \(instances) instance(s): \(count) generations submitted in \(submitted), settled in \(settled): "
                    + "\(Int((Double(count) / seconds * 60).rounded())) per minute")
            await fleet.stop()
        }
    }
}
