// Benchmarks of EachVault's hot paths, in release mode: `make bench`. Figures are printed, never asserted.
import EachLabs
import Foundation
import Logging
import Media
import SearchCorpus
import Simulator
import Storage
import StoreSQLite
import Transport
import VaultContract
import VaultDomain
import VaultRuntime

func measure(_ label: String, iterations: Int, _ body: () throws -> Void) rethrows {
    var samples: [Double] = []
    samples.reserveCapacity(iterations)
    for _ in 0..<iterations {
        let start = ContinuousClock.now
        try body()
        samples.append((ContinuousClock.now - start).seconds * 1000)
    }
    report(label, samples)
}

func measureAsync(_ label: String, iterations: Int, _ body: () async throws -> Void) async rethrows {
    var samples: [Double] = []
    for _ in 0..<iterations {
        let start = ContinuousClock.now
        try await body()
        samples.append((ContinuousClock.now - start).seconds * 1000)
    }
    report(label, samples)
}

func report(_ label: String, _ unsorted: [Double]) {
    let samples = unsorted.sorted()
    let p50 = samples[samples.count / 2]
    let p99 = samples[min(samples.count - 1, samples.count * 99 / 100)]
    print(
        label.padding(toLength: 52, withPad: " ", startingAt: 0)
            + String(format: " p50 %8.3f ms   p99 %8.3f ms   (%d runs)", p50, p99, samples.count))
}

func peakResidentMegabytes() -> Double {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
    return (Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
}

/// User and system CPU time of this process so far.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    let total = [usage.ru_utime, usage.ru_stime].reduce(0.0) { $0 + Double($1.tv_sec) + Double($1.tv_usec) / 1e6 }
    return total
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

var logger = Logger(label: "bench")
logger.logLevel = .critical
/// `BENCH_REUSE=folder` searches the archive a kept run left there (`BENCH_KEEP=1`) instead of building one again.
let reused = ProcessInfo.processInfo.environment["BENCH_REUSE"].map { URL(fileURLWithPath: $0) }
let scratch = reused ?? FileManager.default.temporaryDirectory.appending(path: "eachvault-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
/// `BENCH_KEEP=1` keeps the scratch folder (its database, to try queries by hand) and prints where it is.
let keepScratch = ProcessInfo.processInfo.environment["BENCH_KEEP"] != nil || reused != nil
defer {
    if keepScratch { print("kept \(scratch.path)") } else { try? FileManager.default.removeItem(at: scratch) }
}

// 1. Schema validation across the whole catalogue.
let simulator = EachLabsSimulator(
    settings: SimulatorSettings(
        apiKey: "bench", runTime: .zero,
        outputBytes: 512 << 20))
let models = simulator.models
let only = ProcessInfo.processInfo.environment["BENCH_ONLY"]
if only == nil {
    measure("validate one input (all 167 schemas each run)", iterations: 200) {
        for model in models {
            var input: [String: JSONValue] = [:]
            for name in model.requestSchema.required { input[name] = model.requestSchema.properties[name]?.enum?.first ?? "x" }
            _ = model.requestSchema.validate(input)
        }
    }
}

/// `BENCH_ONLY=search` runs only the search part (quick, while tuning queries), `BENCH_ONLY=download` only the
/// download; `BENCH_RANKING_WINDOW=N` ranks text within windows of N matches instead of the service's default;
/// `BENCH_DOWNLOAD_URL` downloads that file instead of a simulator output (`Benchmarks/files/run.sh` points it at
/// nginx, to compare with curl pipelines on the same source).
let server = try await SimulatorApp.start(simulator, logger: logger)
if only != "search" {
    // 2. Streaming download: libcurl → SHA-256 → file, with memory staying flat.
    let transport = CurlTransport()
    let url: String
    if let given = ProcessInfo.processInfo.environment["BENCH_DOWNLOAD_URL"] {
        url = given
    } else {
        let api = LiveProviderAPI(baseURL: server.baseURL, apiKey: "bench", transport: transport)
        let predictionID = try await api.createPrediction(
            CreatePrediction(
                model: "kling-v2-6-pro-text-to-video", version: "0.0.1", input: ["prompt": "benchmark"]))
        url = try await api.prediction(id: predictionID).outputURLs[0]
    }
    let rssBefore = peakResidentMegabytes()
    let cpuBefore = processCPUSeconds()
    let target = scratch.appending(path: "download.part")
    let sink = try FileSink(appendingTo: target)
    let start = ContinuousClock.now
    let response = try await transport.download(HTTPRequest(url: url), into: sink, limits: DownloadLimits())
    _ = try sink.finish()
    let elapsed = (ContinuousClock.now - start).seconds
    let mebibytes = Double(response.bytesReceived) / 1_048_576
    print(
        String(
            format: "download %.0f MiB (libcurl + SHA-256 + fsync)    %.0f MiB/s; CPU %.2f s; peak RSS %.0f → %.0f MiB",
            mebibytes, mebibytes / elapsed, processCPUSeconds() - cpuBefore, rssBefore, peakResidentMegabytes()))

    // 3. MP4 probing of the downloaded file (reads only box headers and moov).
    if only == nil {
        try measure("probe a 512 MiB MP4", iterations: 200) { _ = try MediaProbe.inspect(fileAt: target) }
    }
}
if only == "download" { exit(0) }

// 4. Search over a generated archive (the same corpus the tests use): 100,000 generations by default.
let database = try AppDatabase(path: scratch.appending(path: "eachvault.sqlite").path)
let teams: [String]
if reused != nil {
    var found: [String] = []
    for name in ["bench-a", "bench-b"] { if let team = try await database.team(named: name) { found.append(team.id) } }
    teams = found
} else {
    try await database.saveModels(models, now: Date())
    var created: [String] = []
    for name in ["bench-a", "bench-b"] { created.append(try await database.createTeam(name: name, now: Date()).id) }
    teams = created
    let count = Int(ProcessInfo.processInfo.environment["BENCH_GENERATIONS"] ?? "") ?? 100_000
    let insertStart = ContinuousClock.now
    let corpus = SearchCorpus(count: count, models: models.map { CatalogueModel($0, fetchedAt: Date()) }, teamIDs: teams)
    try await corpus.insert(into: database)
    try await database.refreshPlannerStatistics()
    print(
        String(
            format: "record %d generations with files (batches)      %.0f per second", count,
            Double(count) / (ContinuousClock.now - insertStart).seconds))
}
func query(_ text: String? = nil, _ configure: (inout GenerationQuery) -> Void = { _ in }) -> GenerationQuery {
    var query = GenerationQuery(teamID: teams[0], text: text, limit: 50)
    if let window = ProcessInfo.processInfo.environment["BENCH_RANKING_WINDOW"].flatMap(Int.init) {
        query.rankingWindow = window
    }
    configure(&query)
    return query
}
let typical: [(String, GenerationQuery)] = [
    ("rare word \"dragon\"", query("dragon")),
    ("common words \"cinematic light\"", query("cinematic light")),
    ("prefix \"obs\"", query("obs")),
    ("phrase 'golden hour' (quoted)", query("\"golden hour\"")),
    (
        "text + model + 720p + audio",
        query("fox") {
            $0.model = models[4].slug; $0.resolution = Resolution("720p"); $0.hasAudio = true
        }
    ),
    ("newest 50, no text", query()),
    (
        "model + status, no text",
        query {
            $0.model = models[0].slug; $0.status = .completed
        }
    ),
    (
        "duration 6-9 s + cost <= 0.5",
        query {
            $0.minDuration = 6; $0.maxDuration = 9; $0.maxCost = 0.5
        }
    ),
    ("input image (lineage)", query { $0.inputSHA256 = SearchCorpus.inputImage(30) }),
]
for (label, search) in typical {
    try await measureAsync("search: \(label)", iterations: 200) { _ = try await database.search(search) }
}
var deep = query("cinematic")
try await measureAsync("search: page 20 of \"cinematic\" via cursors", iterations: 20) {
    deep.cursor = nil
    for _ in 0..<20 { deep.cursor = try await database.search(deep).nextCursor }
}

// 4b. The parts of an answer: the page's files, and the JSON.
let newest = try await database.search(query())
try await measureAsync("page of 50: outputs, inputs and files", iterations: 200) {
    _ = try await database.generationDetails(newest.hits.map(\.generation))
}
let pageDetails = try await database.generationDetails(newest.hits.map(\.generation))
let views = pageDetails.map { detail in
    GenerationView(
        id: detail.generation.id, model: detail.generation.model, version: detail.generation.version,
        input: detail.generation.input, prompt: detail.generation.prompt, status: detail.generation.status,
        predictionID: detail.generation.predictionID, error: nil, costUSD: detail.generation.costUSD,
        predictTimeS: detail.generation.predictTimeS, origin: "submitted", createdAt: detail.generation.createdAt,
        completedAt: detail.generation.completedAt, tags: detail.generation.tags, note: detail.generation.note,
        assets: detail.outputs.compactMap { stored in
            stored.asset.map {
                .init(
                    sha256: $0.sha256, size: $0.size, contentType: $0.contentType, durationS: $0.durationS, width: $0.width,
                    height: $0.height, videoCodec: $0.videoCodec, hasAudio: $0.hasAudio, sourceURL: stored.output.sourceURL,
                    url: "http://x/v1/files/\($0.sha256)")
            }
        }, inputs: [], history: nil)
}
let encoder = ContractJSON.encoder()
try measure("page of 50: JSON (Foundation's encoder)", iterations: 200) {
    _ = try encoder.encode(GenerationPage(items: views, nextCursor: "x"))
}
measure("page of 50: JSON (JSONWriter, what the API uses)", iterations: 200) {
    _ = JSONWriter.encode(GenerationPage(items: views, nextCursor: "x"), capacity: 64 << 10)
}

// 5. The HTTP path: the same pages answered by the running service (authentication, the query, the page's files,
//    JSON), beside the bare query above.
var configuration = VaultConfiguration(
    apiKey: "bench", providerBaseURL: server.baseURL, home: scratch, listenHost: "127.0.0.1", listenPort: 0)
configuration.logLevel = .critical
let (_, service) = try await VaultApp.start(configuration, logger: logger)
let token = try await database.createToken(teamName: "bench-a", label: "bench", now: Date()).token
let client = CurlTransport()
for (label, path) in [("/healthz (no token)", "/healthz"), ("/v1/spend?from=2100-01-01 (a token)", "/v1/spend?from=2100-01-01")] {
    let request = HTTPRequest(url: "\(service.baseURL)\(path)", headers: [("Authorization", "Bearer \(token)")])
    try await measureAsync("HTTP \(label)", iterations: 200) { _ = try await client.send(request) }
}
let overHTTP = [
    ("newest 50, no text", "limit=50"), ("rare word \"dragon\"", "q=dragon&limit=50"),
    ("common words \"cinematic light\"", "q=cinematic%20light&limit=50"), ("prefix \"obs\"", "q=obs&limit=50"),
    ("phrase 'golden hour' (quoted)", "q=%22golden%20hour%22&limit=50"),
    ("text + model + 720p + audio", "q=fox&model=\(models[4].slug)&resolution=720p&has_audio=true&limit=50"),
]
for (label, parameters) in overHTTP {
    let request = HTTPRequest(
        url: "\(service.baseURL)/v1/generations?\(parameters)", headers: [("Authorization", "Bearer \(token)")])
    var bytes = 0
    try await measureAsync("HTTP page of 50: \(label)", iterations: 200) {
        bytes = try await client.send(request).body.count
    }
    print("  (\(bytes) bytes of JSON)")
}
await service.stop()
await server.stop()
