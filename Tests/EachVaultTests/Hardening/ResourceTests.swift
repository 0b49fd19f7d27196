import Foundation
import Synchronization
import TestSupport
import Testing
import Transport
import VaultContract
import VaultRuntime
import Workers

/// One team hammers the service with everything that once cost memory or time (the largest bodies a create
/// takes, 40,000-word prompts, a stream of unknown models, 3,000-URL arrays); another team's reads must stay
/// fast and memory bounded. Runs in a process of its own (`make test`), so the figures are this test's alone.
@Suite(.serialized) struct ResourceTests {
    static func residentBytes() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) * 1024
    }

    @Test(.timeLimit(.minutes(5)))
    func anotherTeamsReadsStayFastWhileOneTeamHammers() async throws {
        try await withHarness { harness in
            let victim = try await harness.makeTeam("team-b")
            let mine = try await victim.client.createGeneration(
                GenerationRequest(
                    model: "pixverse-v5-6-text-to-video", input: ["prompt": "a calm read"]))
            _ = try await harness.waitUntilFinal([mine.id])
            let baseline = Self.residentBytes()

            let bigBody =
                #"{"model": "pixverse-v5-6-image-to-video", "input": {"prompt": "x", "image_url": "data:image/png;base64,"#
                + String(repeating: "A", count: 11 << 20) + "\"}}"
            let longPrompt =
                #"{"model": "pixverse-v5-6-text-to-video", "input": {"prompt": ""#
                + Array(repeating: "dragon", count: 40_000).joined(separator: " ") + "\"}}"
            let urls = (0..<3000).map { "\"https://example.com/\($0).png\"" }.joined(separator: ",")
            let manyURLs =
                #"{"model": "kling-o1-reference-image-to-video", "input": {"prompt": "x", "image_urls": ["#
                + urls + "]}}"
            let attacks: [(path: String, body: String)] = (0..<40).map { round in
                switch round % 4 {
                case 0: ("/v1/generations", bigBody)
                case 1: ("/v1/generations?dry_run=1", longPrompt)
                case 2: ("/v1/generations", #"{"model": "unknown-\#(round)", "input": {"prompt": "x"}}"#)
                default: ("/v1/generations", manyURLs)
                }
            }
            let peak = Peak()
            let (latencies, statuses) = try await withThrowingTaskGroup(of: [Duration].self) { group in
                for worker in 0..<4 {
                    group.addTask {
                        for attack in attacks where attacks.firstIndex(where: { $0 == attack }).map({ $0 % 4 == worker }) ?? false {
                            _ = try? await harness.raw("POST", attack.path, body: attack.body)
                            peak.note(Self.residentBytes())
                        }
                        return []
                    }
                }
                group.addTask {
                    var latencies: [Duration] = []
                    for _ in 0..<200 {
                        let started = ContinuousClock.now
                        let answer = try await harness.raw("GET", "/v1/generations/\(mine.id)", token: victim.token)
                        latencies.append(ContinuousClock.now - started)
                        if answer.status != 200 { throw CocoaError(.fileReadUnknown) }
                        peak.note(Self.residentBytes())
                    }
                    return latencies
                }
                var all: [Duration] = []
                for try await result in group { all += result }
                return (all.sorted(), all.count)
            }
            #expect(statuses == 200, "every read of the other team succeeded")
            let p50 = latencies[latencies.count / 2], p99 = latencies[latencies.count * 99 / 100]
            let growth = peak.value - baseline
            print(
                "resource test: other team's reads p50 \(p50), p99 \(p99); RSS \(baseline >> 20) MiB before, "
                    + "peak \(peak.value >> 20) MiB (+\(growth >> 20) MiB) under 40 hostile requests")
            #expect(growth < 400 << 20, "memory grew by \(growth >> 20) MiB")
            #expect(await harness.simulator.stats().creates == 1)
        }
    }
}

/// The highest value noted, from any task.
final class Peak: Sendable {
    private let highest = Mutex(0)
    var value: Int { highest.withLock { $0 } }
    func note(_ value: Int) { highest.withLock { $0 = max($0, value) } }
}
