import Crypto
import Foundation

/// Appends bytes to a file while hashing them with SHA-256, so a download is checksummed as it streams and never
/// held in memory. A sink is used by one transfer at a time.
public final class FileSink: @unchecked Sendable {
    // Unchecked: the transport calls `write` only from the thread running the transfer while its caller waits.
    private let handle: FileHandle
    private var hasher = SHA256()
    public private(set) var byteCount: Int64 = 0

    /// Opens `url` for appending. Bytes already in the file (a kept prefix of an interrupted download) are hashed
    /// first, so `finish()` digests the whole file.
    public init(appendingTo url: URL) throws {
        if !FileManager.default.fileExists(atPath: url.path) {
            FileManager.default.createFile(atPath: url.path, contents: nil)
        }
        let reader = try FileHandle(forReadingFrom: url)
        defer { try? reader.close() }
        while let chunk = try reader.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
            byteCount += Int64(chunk.count)
        }
        handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        keptPrefix = byteCount
    }

    deinit { try? handle.close() }

    /// Bytes that were already in the file when the sink opened it (a kept prefix to resume after).
    public let keptPrefix: Int64

    /// Drops everything written so far (the server ignored a resume and sent the whole body again).
    public func restart() throws {
        try handle.truncate(atOffset: 0)
        hasher = SHA256()
        byteCount = 0
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        hasher.update(bufferPointer: bytes)
        try handle.write(contentsOf: bytes)
        byteCount += Int64(bytes.count)
    }

    /// Flushes the file to stable storage and returns the lowercase hex SHA-256 of everything in it.
    public func finish() throws -> String {
        try handle.synchronize()
        return hasher.finalize().lowercaseHex
    }
}
