import Crypto
import Dispatch
import Foundation
import Glibc
import Synchronization

/// Appends bytes to a file while hashing them with SHA-256, so a download is checksummed as it streams and never
/// held in memory. A sink is used by one transfer at a time.
///
/// Receiving, hashing and writing overlap on separate cores: `write` only copies the bytes into one of a few 1 MiB
/// buffers; a hashing queue digests each full buffer and hands it to a writing queue, which writes it and returns it
/// for reuse. When every buffer is in flight, `write` waits for one (backpressure reaches the socket), so memory
/// stays bounded at `bufferCount` buffers. Where the file system allows it, whole blocks are written with `O_DIRECT`:
/// the bytes go from the buffer to the disk without being copied into the page cache, which on this project's
/// machine cost more than receiving and hashing together (see docs/performance.md).
public final class FileSink: @unchecked Sendable {
    // Unchecked: `write`, `restart` and `finish` come from one caller at a time (the transfer's thread, or the upload's
    // task); the hasher belongs to the hashing queue and the file offset to the writing queue between drains, and
    // the buffer pool and the first failure are behind mutexes.
    static let bufferSize = 1 << 20
    static let bufferCount = 4

    private let descriptor: Int32
    /// The same file without direct I/O, for writes that are not whole blocks (the same descriptor when buffered).
    private let bufferedDescriptor: Int32
    private let usesDirectIO: Bool
    private var hasher = SHA256()
    private var fileOffset: Int64
    private let hashing = DispatchQueue(label: "eachvault.sink.hash")
    private let writing = DispatchQueue(label: "eachvault.sink.write")
    private let freeBuffers = DispatchSemaphore(value: FileSink.bufferCount)
    private let pool = Mutex<[AlignedBuffer]>([])
    private let failure = Mutex<String?>(nil)
    private var current: AlignedBuffer?
    public private(set) var byteCount: Int64 = 0

    /// Bytes that were already in the file when the sink opened it (a kept prefix to resume after).
    public let keptPrefix: Int64

    /// Opens `url` for appending. Bytes already in the file (a kept prefix of an interrupted download) are hashed
    /// first, so `finish()` digests the whole file; with direct I/O the prefix is first cut to whole blocks.
    public init(appendingTo url: URL) throws {
        let opened = try Self.open(url.path)
        let buffered = opened.direct ? Glibc.open(url.path, O_WRONLY | O_CLOEXEC) : opened.descriptor
        guard buffered >= 0 else {
            close(opened.descriptor)
            throw Self.posixError("open", url.path)
        }
        let prefix: (hasher: SHA256, length: Int64)
        do {
            prefix = try Self.hashKeptPrefix(url, opened.descriptor, cutToBlocks: opened.direct)
        } catch {
            close(opened.descriptor)
            if buffered != opened.descriptor { close(buffered) }
            throw error
        }
        descriptor = opened.descriptor
        bufferedDescriptor = buffered
        usesDirectIO = opened.direct
        hasher = prefix.hasher
        byteCount = prefix.length
        fileOffset = prefix.length
        keptPrefix = prefix.length
    }

    /// Digests the bytes already in the file, first cutting them to whole blocks when writes will be direct.
    private static func hashKeptPrefix(_ url: URL, _ descriptor: Int32, cutToBlocks: Bool) throws -> (SHA256, Int64) {
        var size = Int64(lseek(descriptor, 0, SEEK_END))
        if cutToBlocks && size % Int64(AlignedBuffer.alignment) != 0 {
            size -= size % Int64(AlignedBuffer.alignment)
            guard ftruncate(descriptor, off_t(size)) == 0 else { throw posixError("truncate", url.path) }
        }
        let reader = try FileHandle(forReadingFrom: url)
        defer { try? reader.close() }
        var hasher = SHA256()
        var hashed: Int64 = 0
        while hashed < size, let chunk = try reader.read(upToCount: min(1 << 20, Int(size - hashed))), !chunk.isEmpty {
            hasher.update(data: chunk)
            hashed += Int64(chunk.count)
        }
        return (hasher, hashed)
    }

    deinit {
        // A sink dropped mid-write (an upload cut off, a size limit) still holds the buffer it was filling: its unit
        // goes back to the semaphore first, since libdispatch traps on destroying one while a unit is taken. No
        // buffer is in flight here: the pipeline's blocks hold the sink until they finish.
        if let current {
            current.deallocate()
            freeBuffers.signal()
        }
        for buffer in pool.withLock({ $0 }) { buffer.deallocate() }
        close(descriptor)
        if bufferedDescriptor != descriptor { close(bufferedDescriptor) }
    }

    /// Drops everything written so far (the server ignored a resume and sent the whole body again).
    public func restart() throws {
        current.map(recycle)
        current = nil
        drain()
        try throwFailure()
        guard ftruncate(descriptor, 0) == 0 else { throw Self.posixError("truncate", "the temp file") }
        hasher = SHA256()
        fileOffset = 0
        byteCount = 0
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        var remaining = bytes[...]
        while !remaining.isEmpty {
            let buffer = try current ?? takeBuffer()
            let taken = buffer.append(UnsafeRawBufferPointer(rebasing: remaining))
            remaining = remaining.dropFirst(taken)
            if buffer.isFull {
                submit(buffer)
                current = nil
            } else {
                current = buffer
            }
        }
        byteCount += Int64(bytes.count)
    }

    /// Writes out every byte given so far and waits until they are in the file (not yet synced): a transfer that
    /// ends, however it ends, leaves a file to resume from and nothing still writing to it.
    public func flush() throws {
        if let buffer = current {
            current = nil
            submit(buffer)
        }
        drain()
        try throwFailure()
    }

    /// Flushes the file to stable storage and returns the lowercase hex SHA-256 of everything in it.
    public func finish() throws -> String {
        try flush()
        guard fsync(descriptor) == 0 else { throw Self.posixError("sync", "the temp file") }
        return hasher.finalize().lowercaseHex
    }

    // MARK: - The pipeline

    private func takeBuffer() throws -> AlignedBuffer {
        try throwFailure()
        freeBuffers.wait()
        return pool.withLock { $0.popLast() } ?? AlignedBuffer(capacity: Self.bufferSize)
    }

    private func recycle(_ buffer: AlignedBuffer) {
        buffer.count = 0
        pool.withLock { $0.append(buffer) }
        freeBuffers.signal()
    }

    private func submit(_ buffer: AlignedBuffer) {
        hashing.async { [self] in
            hasher.update(bufferPointer: buffer.bytes)
            writing.async { [self] in
                if failure.withLock({ $0 == nil }) {
                    do { try writeOut(buffer) } catch { failure.withLock { $0 = "\(error)" } }
                }
                recycle(buffer)
            }
        }
    }

    /// Waits until every submitted buffer is hashed and written.
    private func drain() {
        hashing.sync {}  // every hashed buffer has been handed to the writing queue by now
        writing.sync {}
    }

    /// Writes a buffer at the file's end: whole blocks directly (from a block boundary), a partial block (the last
    /// buffer's, or a flushed one's) through the page cache, so the file never holds padding, even after a crash.
    private func writeOut(_ buffer: AlignedBuffer) throws {
        let bytes = buffer.bytes
        let aligned = usesDirectIO && fileOffset % Int64(AlignedBuffer.alignment) == 0
        let direct = aligned ? bytes.count - bytes.count % AlignedBuffer.alignment : 0
        if direct > 0 { try writeFully(UnsafeRawBufferPointer(rebasing: bytes[..<direct]), descriptor) }
        if direct < bytes.count {
            let tail = UnsafeRawBufferPointer(rebasing: bytes[direct...])
            try writeFully(tail, bufferedDescriptor)
        }
    }

    private func writeFully(_ bytes: UnsafeRawBufferPointer, _ target: Int32) throws {
        var done = 0
        while done < bytes.count {
            let written = pwrite(target, bytes.baseAddress! + done, bytes.count - done, off_t(fileOffset))
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw Self.posixError("write", "the temp file") }
            done += written
            fileOffset += Int64(written)
        }
    }

    private func throwFailure() throws {
        if let message = failure.withLock({ $0 }) { throw SinkError(message: message) }
    }

    // MARK: - Opening

    /// `O_DIRECT` from the kernel's headers (asm-generic and x86): Glibc's Swift module leaves it out (it is a GNU
    /// extension).
    #if arch(x86_64)
        private static let directFlag: Int32 = 0o40000
    #else
        private static let directFlag: Int32 = 0o200000
    #endif

    /// Opens for writing with direct I/O where the file system takes it (ext4, xfs, btrfs), buffered elsewhere (tmpfs).
    private static func open(_ path: String) throws -> (descriptor: Int32, direct: Bool) {
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC
        let direct = Glibc.open(path, flags | directFlag, 0o644)
        if direct >= 0 { return (direct, true) }
        let buffered = Glibc.open(path, flags, 0o644)
        guard buffered >= 0 else { throw posixError("open", path) }
        return (buffered, false)
    }

    static func posixError(_ action: String, _ path: String) -> SinkError {
        SinkError(message: "cannot \(action) \(path): \(String(cString: strerror(errno)))")
    }
}

public struct SinkError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
