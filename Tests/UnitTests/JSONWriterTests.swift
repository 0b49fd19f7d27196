import EachLabs
import Foundation
import SearchCorpus
import TestSupport
import Testing
import VaultContract
import VaultDomain

/// The hand-written JSON of the generation answers is byte for byte what `ContractJSON`'s encoder writes, for every
/// shape a generation takes: so clients (and the OpenAPI document) cannot tell which one answered.
@Suite(.timeLimit(.minutes(5))) struct JSONWriterTests {
    static let awkwardText = [
        "", "plain", "quote \" and backslash \\ and slash /", "tab\tnewline\ncarriage\r", "\u{0}\u{1}\u{1F}\u{7F}",
        "bell \u{8} form \u{C}", "中文提示词 🎬 e\u{301}", "<script>alert(1)</script>", "\u{2028}\u{2029}",
    ]
    static let numbers: [Double] = [0, 5, -3, 0.1, 0.25, 1e-05, 123_456_789.125, 2.5e20, 1e300, 0.000_001_5]

    static func view(_ seed: Int) -> GenerationView {
        var random = SplitMix64(seed: UInt64(seed))
        func text() -> String { awkwardText[Int(random.next() % UInt64(awkwardText.count))] }
        func number() -> Double { numbers[Int(random.next() % UInt64(numbers.count))] }
        func maybe<T>(_ value: T) -> T? { random.next() % 3 == 0 ? nil : value }
        let input: [String: JSONValue] = [
            "prompt": .string(text()), "duration": .int(Int(random.next() % 20)), "ratio": .double(number()),
            "flags": .array([.bool(true), .null, .string(text())]),
            "nested": .object(["b": .int(-1), "a": .object([:]), text(): .array([])]),
        ]
        var view = GenerationView(
            id: "gen_\(seed)", model: "model-\(seed)", version: "0.0.1", input: input, prompt: maybe(text()),
            status: GenerationStatus.allCases[seed % GenerationStatus.allCases.count], predictionID: maybe("pred_\(seed)"),
            error: maybe(.init(code: "bad", message: text())), costUSD: maybe(number()), predictTimeS: maybe(number()),
            origin: "submitted", createdAt: Date(timeIntervalSince1970: 1_790_000_000.75 + Double(seed)),
            completedAt: maybe(Date(timeIntervalSince1970: 1_790_000_100.2)), tags: seed % 2 == 0 ? [] : [text(), "b"],
            note: maybe(text()),
            assets: (0..<(seed % 3)).map { index in
                .init(
                    sha256: String(repeating: "a", count: 64), size: Int64(index) << 33, contentType: "video/mp4",
                    durationS: maybe(number()), width: maybe(1280), height: maybe(720), videoCodec: maybe("avc1"),
                    hasAudio: maybe(index % 2 == 0), sourceURL: "https://cdn.example/x/\(index).mp4?sig=a/b",
                    url: "http://127.0.0.1:8080/v1/files/\(index)")
            },
            inputs: (0..<(seed % 2)).map { index in
                .init(
                    field: "image_url", position: index, sourceURL: "https://i.example/\(index).png", sha256: maybe("b"),
                    size: maybe(Int64(10)), contentType: maybe("image/png"), url: maybe("http://x/y"), error: maybe(text()))
            },
            history: maybe([.init(at: Date(timeIntervalSince1970: 1_790_000_000.999), kind: "created", detail: maybe(text()))]))
        view.snippet = maybe(text())
        view.snippetParts = maybe([SnippetPart(text: text(), match: true), SnippetPart(text: "rest", match: false)])
        view.deduplicatedFrom = maybe("gen_earlier")
        return view
    }

    @Test func pagesAreWrittenExactlyAsTheContractEncoderWritesThem() async throws {
        let encoder = ContractJSON.encoder()
        for seed in 0..<300 {
            let page = GenerationPage(
                items: (0..<(seed % 5)).map { Self.view(seed * 7 + $0) }, nextCursor: seed % 2 == 0 ? nil : "c/\(seed)",
                rankingWindow: seed % 3 == 0 ? 1000 : nil)
            let expected = String(decoding: try encoder.encode(page), as: UTF8.self)
            let written = String(decoding: JSONWriter.encode(page), as: UTF8.self)
            #expect(written == expected, "seed \(seed)")
            if seed == 299 { #expect(written.contains(#"\u0000"#) && written.contains("1e-05") && written.contains("中文")) }
            if written != expected { return }
        }
    }
}
