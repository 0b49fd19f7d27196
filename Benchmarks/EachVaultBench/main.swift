// Benchmarks of EachVault's hot paths, in release mode: `make bench`. Figures are printed, never asserted.
import Archive
import EachLabs
import Foundation
import Logging
import Simulator
import Transport
import VaultRuntime

func measure(_ label: String, iterations: Int, _ body: () throws -> Void) rethrows {
    var samples: [Double] = []
    samples.reserveCapacity(iterations)
    for _ in 0..<iterations {
        let start = ContinuousClock.now
        try body()
        samples.append((ContinuousClock.now - start).seconds * 1000)
    }
    samples.sort()
    let p50 = samples[samples.count / 2]
    let p99 = samples[min(samples.count - 1, samples.count * 99 / 100)]
    print(String(format: "%-44@ p50 %8.3f ms   p99 %8.3f ms   (%d runs)", label, p50, p99, iterations))
}

func peakResidentMegabytes() -> Double {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
    return (Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

var logger = Logger(label: "bench")
logger.logLevel = .critical
let scratch = FileManager.default.temporaryDirectory.appending(path: "eachvault-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: scratch) }

// 1. Schema validation across the whole catalogue.
let simulator = EachLabsSimulator(settings: SimulatorSettings(apiKey: "bench", runTime: .zero,
                                                             outputBytes: 512 << 20))
let models = simulator.models
try measure("validate one input (all 167 schemas each run)", iterations: 200) {
    for model in models {
        var input: [String: JSONValue] = [:]
        for name in model.requestSchema.required { input[name] = model.requestSchema.properties[name]?.enum?.first ?? "x" }
        _ = model.requestSchema.validate(input)
    }
}

// 2. Streaming download: libcurl → SHA-256 → file, with memory staying flat.
let server = try await SimulatorApp.start(simulator, logger: logger)
let transport = CurlTransport()
let api = LiveProviderAPI(baseURL: server.baseURL, apiKey: "bench", transport: transport)
let predictionID = try await api.createPrediction(CreatePrediction(
    model: "kling-v2-6-pro-text-to-video", version: "0.0.1", input: ["prompt": "benchmark"]))
let url = try await api.prediction(id: predictionID).outputURLs[0]
let rssBefore = peakResidentMegabytes()
let target = scratch.appending(path: "download.part")
let sink = try FileSink(appendingTo: target)
let start = ContinuousClock.now
let response = try await transport.download(HTTPRequest(url: url), into: sink, limits: DownloadLimits())
let digest = try sink.finish()
let elapsed = (ContinuousClock.now - start).seconds
print(String(format: "download 512 MiB (libcurl + SHA-256 + fsync)    %.0f MiB/s; peak RSS %.0f MiB before, %.0f MiB after",
             Double(response.bytesReceived) / 1_048_576 / elapsed, rssBefore, peakResidentMegabytes()))
_ = digest

// 3. MP4 probing of the downloaded file (reads only box headers and moov).
try measure("probe a 512 MiB MP4", iterations: 200) { _ = try MediaProbe.inspect(fileAt: target) }

// 4. Full-text search over a generated archive.
let database = try AppDatabase(path: scratch.appending(path: "bench.sqlite").path)
try database.saveModels(models, now: Date())
let words = ["fox", "snow", "city", "neon", "ocean", "forest", "drone", "sunset", "portrait", "robot", "rain",
             "mountain", "desert", "dance", "slow", "motion", "close", "up", "aerial", "night", "cat", "dog"]
var generator = SystemRandomNumberGenerator()
let count = Int(ProcessInfo.processInfo.environment["BENCH_GENERATIONS"] ?? "") ?? 20_000
let insertStart = ContinuousClock.now
for index in 0..<count {
    let prompt = (0..<8).map { _ in words.randomElement(using: &generator)! }.joined(separator: " ")
    let model = models[index % models.count]
    _ = try database.insertGeneration(Generation(
        id: "gen_bench_\(index)", model: model.slug, version: model.version, input: ["prompt": .string(prompt)],
        tags: index % 3 == 0 ? ["client-a"] : [], now: Date(timeIntervalSince1970: 1_800_000_000 + Double(index))))
}
print(String(format: "insert %d generations (one transaction each)  %.0f per second", count,
             Double(count) / (ContinuousClock.now - insertStart).seconds))
for query in ["fox", "neon city", "sno", "kling", "client-a fox rain"] {
    try measure("search \"\(query)\" over \(count)", iterations: 200) {
        _ = try database.searchGenerations(GenerationQuery(text: query, limit: 50))
    }
}
try measure("newest 50 of one model over \(count)", iterations: 200) {
    _ = try database.searchGenerations(GenerationQuery(model: models[0].slug, limit: 50))
}
await server.stop()
