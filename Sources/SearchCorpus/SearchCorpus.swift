import EachLabs
import Foundation
import Storage

/// A large, deterministic archive for search tests and benchmarks: prompts drawn from a skewed vocabulary (a few
/// words are everywhere, most are rare, like real prompts), alternating teams, the given models, stored outputs
/// with varied durations, sizes, audio and costs, and one generation in ten made from a shared input image.
public struct SearchCorpus: Sendable {
    /// Short sides of the generated videos: `1280x720`, `1920x1080`, `720x1280` (portrait), `854x480`.
    public static let sizes = [(1280, 720), (1920, 1080), (720, 1280), (854, 480)]
    public static let durations: [Double] = [5, 8, 10]
    public static let base = Date(timeIntervalSince1970: 1_790_000_000)

    public let entries: [ArchivedGeneration]

    /// - Parameters:
    ///   - count: how many generations.
    ///   - models: the models to spread them over.
    ///   - teamIDs: the (existing) teams to alternate between.
    public init(count: Int, models: [CatalogueModel], teamIDs: [String], seed: UInt64 = 42) {
        var random = SplitMix64(seed: seed)
        let vocabulary = Self.vocabulary
        entries = (0..<count).map { index in
            let model = models[index % models.count]
            let words = (0..<(6 + Int(random.next() % 9))).map { _ in
                // Squaring a uniform draw skews toward the front of the vocabulary (common words).
                let u = Double(random.next() % 1_000_000) / 1_000_000
                return vocabulary[Int(u * u * Double(vocabulary.count))]
            }
            let id = String(format: "gen_corpus_%06d", index)
            var generation = Generation(
                id: id, teamID: teamIDs[index % teamIDs.count], model: model.slug, version: model.version,
                input: ["prompt": .string(words.joined(separator: " "))], tags: index % 7 == 0 ? ["client-a"] : [],
                now: Self.base.addingTimeInterval(Double(index) * 30))
            let roll = random.next() % 100
            generation.status = roll < 90 ? .completed : roll < 95 ? .failed : .pending
            generation.costUSD = generation.status == .completed ? Double(5 + index % 196) / 100 : nil
            generation.nextActionAt = nil
            guard generation.status == .completed else {
                return ArchivedGeneration(generation: generation, outputs: [])
            }
            let (width, height) = Self.sizes[Int(random.next() % 4)]
            let asset = Asset(
                sha256: Self.digest("output", index), size: 1_000_000 + Int64(index), contentType: "video/mp4",
                durationS: Self.durations[index % 3], width: width, height: height, videoCodec: "avc1",
                hasAudio: index % 2 == 0, storedAt: generation.createdAt)
            let output = GenerationOutput(
                generationID: id, position: 0, sourceURL: "https://cdn.example/\(id).mp4",
                sha256: asset.sha256, nextAttemptAt: nil)
            var inputs: [(GenerationInput, Asset?)] = []
            if index % 10 == 0 {
                let image = Self.inputImage(index)
                inputs.append(
                    (
                        GenerationInput(
                            generationID: id, field: "image_url", position: 0,
                            sourceURL: "https://images.example/\(image).png",
                            sha256: image, nextAttemptAt: nil),
                        Asset(
                            sha256: image, size: 4096, contentType: "image/png", durationS: nil,
                            width: 1024, height: 1024, videoCodec: nil, hasAudio: nil,
                            storedAt: generation.createdAt)
                    ))
            }
            return ArchivedGeneration(generation: generation, outputs: [(output, asset)], inputs: inputs)
        }
    }

    /// The input image of generation `index` (one of 500 shared images), for every tenth generation.
    public static func inputImage(_ index: Int) -> String { digest("image", (index / 10) % 500) }

    /// Records the corpus in batches.
    public func insert(into store: any ImportStore, batchSize: Int = 5000) async throws {
        for start in stride(from: 0, to: entries.count, by: batchSize) {
            try await store.insertArchived(Array(entries[start..<min(start + batchSize, entries.count)]))
        }
    }

    static func digest(_ kind: String, _ index: Int) -> String {
        var random = SplitMix64(seed: UInt64(index) &* 0x9E37_79B9 &+ UInt64(kind.utf8.reduce(0) { $0 &* 31 &+ UInt64($1) }))
        return (0..<4).map { _ in String(format: "%016llx", random.next()) }.joined()
    }

    /// 400 words: scenes, subjects, camera and style terms.
    public static let vocabulary: [String] = {
        let common = [
            "cinematic", "slow", "motion", "camera", "light", "shot", "close", "wide", "soft", "golden",
            "hour", "night", "city", "forest", "ocean", "sunset", "drone", "portrait", "rain", "snow",
        ]
        let subjects = [
            "fox", "cat", "dog", "robot", "dancer", "astronaut", "dragon", "horse", "whale", "owl", "tiger",
            "child", "chef", "knight", "samurai", "violinist", "skater", "surfer", "pilot", "monk",
        ]
        let places = [
            "desert", "mountain", "canyon", "glacier", "jungle", "harbor", "market", "subway", "rooftop",
            "library", "cathedral", "lighthouse", "volcano", "meadow", "bridge", "alley", "stadium",
            "greenhouse", "observatory", "laboratory",
        ]
        var words = common + subjects + places
        let syllables = [
            "ka", "lo", "mi", "ren", "sa", "tor", "vu", "zel", "bri", "qua", "fen", "dor", "pix", "nal",
            "gur", "hex",
        ]
        for first in syllables { for second in syllables where words.count < 400 { words.append(first + second + "x") } }
        return words
    }()
}

/// A tiny seeded generator (SplitMix64): the same seed gives the same corpus on every machine.
public struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
