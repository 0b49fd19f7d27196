import Foundation
import Media
import Storage
import TestSupport
import Testing

@Suite(.timeLimit(.minutes(5))) struct MediaProbeTests {
    let directory: TempDirectory

    init() throws {
        directory = try TempDirectory()
    }

    private func write(_ data: Data, _ name: String = "file.mp4") throws -> URL {
        let url = directory.url.appending(path: name)
        try data.write(to: url)
        return url
    }

    @Test func readsDurationResolutionCodecsAndAudio() async throws {
        let landscape = try MediaProbe.inspect(fileAt: write(Fixtures.data("clip-landscape.mp4")))
        #expect(landscape.width == 320 && landscape.height == 180)
        #expect(landscape.videoCodec == "avc1")
        #expect(landscape.hasAudio)
        #expect(abs((landscape.durationS ?? 0) - 2.0) < 0.05)
        #expect(landscape.contentType == "video/mp4")

        let portrait = try MediaProbe.inspect(fileAt: write(Fixtures.data("clip-portrait.mp4")))
        #expect(portrait.width == 180 && portrait.height == 320)
        #expect(!portrait.hasAudio)
    }

    @Test func acceptsTrailingBoxesAfterTheMovie() async throws {
        var data = try Fixtures.data("clip-square.mp4")
        data.append(contentsOf: [0, 0, 0, 40] + Array("free".utf8) + [UInt8](repeating: 7, count: 32))
        #expect(try MediaProbe.inspect(fileAt: write(data)).width == 240)
    }

    @Test(arguments: [100, 1000, 5000, 12000])
    func rejectsATruncatedFile(keeping bytes: Int) async throws {
        let data = try Fixtures.data("clip-landscape.mp4").prefix(bytes)
        #expect(throws: MediaProbeError.self) { try MediaProbe.inspect(fileAt: write(Data(data))) }
    }

    @Test func rejectsAnHTMLErrorPage() async throws {
        let html = Data("<!DOCTYPE html><html><body>502 Bad Gateway</body></html>".utf8)
        #expect {
            try MediaProbe.inspect(fileAt: write(html))
        } throws: { error in
            guard case .notMP4 = error as? MediaProbeError else { return false }
            return true
        }
    }

    @Test func rejectsGarbageAndEmptyFiles() async throws {
        var generator = SystemRandomNumberGenerator()
        let garbage = Data((0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) })
        #expect(throws: MediaProbeError.self) { try MediaProbe.inspect(fileAt: write(garbage)) }
        #expect(throws: MediaProbeError.self) { try MediaProbe.inspect(fileAt: write(Data(), "empty.mp4")) }
    }

    @Test func rejectsAnMP4WithoutAVideoTrack() async throws {
        // ftyp + an empty moov + an empty mdat: well formed, but nothing to watch.
        var data = Data([0, 0, 0, 16] + Array("ftypisom".utf8) + [0, 0, 2, 0])
        data.append(contentsOf: [0, 0, 0, 8] + Array("moov".utf8))
        data.append(contentsOf: [0, 0, 0, 8] + Array("mdat".utf8))
        #expect(throws: MediaProbeError.noVideoTrack) { try MediaProbe.inspect(fileAt: write(data)) }
    }
}
