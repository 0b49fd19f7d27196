import Foundation
import Hummingbird
import TestSupport
import Testing
import Transport

/// Input URLs come from teams: a server may drip bytes, compress a bomb, or live on this machine's network.
@Suite(.timeLimit(.minutes(5))) struct InputDownloadLimitTests {
    /// A loopback server for one test: `/drip` sends a byte a second forever, `/bomb` a small gzip body that
    /// expands a thousandfold.
    private static func withServer(_ body: (String) async throws -> Void) async throws {
        let router = Router()
        router.get("/drip") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "image/png"],
                body: ResponseBody { writer in
                    for _ in 0..<600 {
                        try await writer.write(ByteBuffer(bytes: [0x89]))
                        try await Task.sleep(for: .milliseconds(200))
                    }
                    try await writer.finish(nil)
                })
        }
        let compressed = try gzip(Data(count: 4 << 20))
        router.get("/bomb") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "image/png", .contentEncoding: "gzip"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: compressed)))
        }
        let (ports, announce) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { announce.yield($0.localAddress?.port ?? 0) })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService() }
            var iterator = ports.makeAsyncIterator()
            try await body("http://127.0.0.1:\(await iterator.next() ?? 0)")
            group.cancelAll()
        }
    }

    private static func gzip(_ data: Data) throws -> Data {
        let directory = FileManager.default.temporaryDirectory.appending(path: "gz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appending(path: "zeros")
        try data.write(to: file)
        #expect(try runChildNow(["gzip", "-9", file.path]).status == 0)
        return try Data(contentsOf: directory.appending(path: "zeros.gz"))
    }

    @Test func aDripFeedingServerIsCutOffAtTheDeadline() async throws {
        try await Self.withServer { base in
            let directory = try TempDirectory()
            let sink = try FileSink(appendingTo: directory.url.appending(path: "drip"))
            let started = ContinuousClock.now
            await #expect(throws: TransportError.self) {
                _ = try await CurlTransport().download(
                    Transport.HTTPRequest(url: base + "/drip"), into: sink,
                    limits: DownloadLimits(
                        lowSpeedBytesPerSecond: 1, lowSpeedWindow: .seconds(60),
                        totalTimeout: .seconds(2)))
            }
            #expect(ContinuousClock.now - started < .seconds(20))
        }
    }

    @Test func aCompressedBodyIsKeptAsSentAndCappedOnTheWire() async throws {
        try await Self.withServer { base in
            let directory = try TempDirectory()
            let sink = try FileSink(appendingTo: directory.url.appending(path: "bomb"))
            let response = try await CurlTransport().download(
                Transport.HTTPRequest(url: base + "/bomb"), into: sink, limits: DownloadLimits(maxBytes: 64 << 10))
            // Never decoded: the bytes kept are the few kilobytes sent, not the 4 MiB they expand to.
            #expect(response.bytesReceived < 64 << 10)
            #expect(sink.byteCount == response.bytesReceived)
        }
    }
}
