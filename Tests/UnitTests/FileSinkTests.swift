import Crypto
import Foundation
import TestSupport
import Testing
import Transport

/// The download sink hashes and writes through a pipeline of buffers, with direct I/O where the file system takes it:
/// whatever the sizes and the pieces the bytes arrive in, the file and the digest are exactly the bytes sent.
@Suite(.timeLimit(.minutes(5))) struct FileSinkTests {
    let home: TempDirectory

    init() throws { home = try TempDirectory() }

    /// The test's home (a disk file system: direct I/O) and /dev/shm (tmpfs, which refuses it: buffered writes).
    static var fileSystems: [String] {
        FileManager.default.fileExists(atPath: "/dev/shm") ? ["home", "/dev/shm"] : ["home"]
    }

    func file(on fileSystem: String) -> URL {
        let directory = fileSystem == "home" ? home.url : URL(filePath: fileSystem)
        return directory.appending(path: "sink-test-\(UUID().uuidString).part")
    }

    static func bytes(_ count: Int, seed: Int = 7) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: ($0 &* 31) ^ ($0 >> 11) ^ seed) }
    }

    /// Writes `bytes` in pieces of `piece` bytes.
    static func write(_ bytes: ArraySlice<UInt8>, to sink: FileSink, piece: Int) throws {
        var start = bytes.startIndex
        while start < bytes.endIndex {
            let end = min(start + piece, bytes.endIndex)
            try bytes[start..<end].withUnsafeBytes { try sink.write($0) }
            start = end
        }
    }

    @Test(arguments: fileSystems)
    func everySizeRoundTripsAcrossBufferAndBlockEdges(fileSystem: String) async throws {
        let mebibyte = 1 << 20
        for (size, piece) in [
            (0, 1), (1, 1), (4095, 100), (4096, 4096), (4097, 16_384), (mebibyte - 1, 65_536), (mebibyte, mebibyte),
            (mebibyte + 1, 262_144), (3 * mebibyte + 12_345, 16_384), (9 * mebibyte + 7, 1_000_003),
        ] {
            let url = file(on: fileSystem)
            defer { try? FileManager.default.removeItem(at: url) }
            let bytes = Self.bytes(size)
            let sink = try FileSink(appendingTo: url)
            try Self.write(bytes[...], to: sink, piece: piece)
            let digest = try sink.finish()
            #expect(digest == SHA256.hash(data: bytes).lowercaseHex, "size \(size)")
            #expect(sink.byteCount == Int64(size))
            #expect(try Data(contentsOf: url) == Data(bytes), "size \(size)")
        }
    }

    @Test(arguments: fileSystems)
    func aKeptPrefixIsResumedFromWhereTheSinkSays(fileSystem: String) async throws {
        let url = file(on: fileSystem)
        defer { try? FileManager.default.removeItem(at: url) }
        let bytes = Self.bytes(3 << 20)
        try Data(bytes.prefix(1_234_567)).write(to: url)  // not a whole number of blocks
        let sink = try FileSink(appendingTo: url)
        #expect(sink.keptPrefix > 1_234_567 - 4096 && sink.keptPrefix <= 1_234_567)
        #expect(sink.byteCount == sink.keptPrefix)
        try Self.write(bytes.dropFirst(Int(sink.keptPrefix)), to: sink, piece: 300_000)
        #expect(try sink.finish() == SHA256.hash(data: bytes).lowercaseHex)
        #expect(try Data(contentsOf: url) == Data(bytes))
    }

    @Test func aRestartDropsEverythingWrittenAndStartsTheDigestOver() async throws {
        let url = file(on: "home")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(Self.bytes(10_000, seed: 1)).write(to: url)
        let sink = try FileSink(appendingTo: url)
        try Self.write(Self.bytes(2 << 20, seed: 2)[...], to: sink, piece: 65_536)
        let whole = Self.bytes(1_500_001, seed: 3)
        try sink.restart()
        try Self.write(whole[...], to: sink, piece: 65_536)
        #expect(try sink.finish() == SHA256.hash(data: whole).lowercaseHex)
        #expect(sink.byteCount == Int64(whole.count))
        #expect(try Data(contentsOf: url) == Data(whole))
    }

    /// A transfer that ends early flushes its sink (so a later attempt can resume from the file); the file then
    /// holds exactly the bytes given, and writing may go on from that odd offset.
    @Test(arguments: fileSystems)
    func aFlushedSinkHoldsEveryByteGivenAndGoesOnFromThere(fileSystem: String) async throws {
        let url = file(on: fileSystem)
        defer { try? FileManager.default.removeItem(at: url) }
        let bytes = Self.bytes((5 << 20) + 777)
        let sink = try FileSink(appendingTo: url)
        try Self.write(bytes.prefix(2_500_001), to: sink, piece: 100_000)
        try sink.flush()
        #expect(try Data(contentsOf: url) == Data(bytes.prefix(2_500_001)))
        try Self.write(bytes.dropFirst(2_500_001), to: sink, piece: 100_000)
        #expect(try sink.finish() == SHA256.hash(data: bytes).lowercaseHex)
        #expect(try Data(contentsOf: url) == Data(bytes))
    }
}

extension FileSinkTests {
    /// An upload cut off mid-body (a client gone, a size limit) drops its sink with a buffer half full: that must
    /// release it quietly (libdispatch traps on a semaphore destroyed while a unit is taken).
    @Test func aSinkDroppedMidWriteReleasesItsBuffers() async throws {
        let url = file(on: "home")
        defer { try? FileManager.default.removeItem(at: url) }
        for size in [100, (1 << 20) + 100, (5 << 20) + 3] {
            let sink = try FileSink(appendingTo: url)
            try Self.write(Self.bytes(size)[...], to: sink, piece: 65_536)
        }
    }
}
