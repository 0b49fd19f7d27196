import CCurl
import Foundation
import HTTPTypes
import Synchronization

/// The state of one transfer, shared with libcurl's C callbacks through an opaque pointer. The callbacks run on
/// the transfer's thread only; `cancel()` may come from any thread, hence the atomic flag.
final class Transfer: @unchecked Sendable {
    enum Destination {
        case memory(limit: Int64)
        case file(FileSink, limit: Int64)
        /// The body's first `limit` bytes; the transfer ends once it has them.
        case head(limit: Int64)
    }

    private let destination: Destination
    private var body = Data()
    private(set) var headers = HTTPFields()
    private(set) var status = 0
    private(set) var bytesWritten: Int64 = 0
    private(set) var failure: TransportError?
    /// A `.head` transfer received all the bytes it wanted and ended the transfer itself.
    private(set) var hasHead = false
    private var checkedResume = false
    private let cancelled = Atomic<Bool>(false)
    let publicAddressesOnly: Bool
    private var upload: FileHandle?
    private var uploadRemaining: Int64 = 0

    init(destination: Destination, publicAddressesOnly: Bool = false) {
        self.destination = destination
        self.publicAddressesOnly = publicAddressesOnly
    }

    var limit: Int64 {
        switch destination {
        case .memory(let limit), .file(_, let limit), .head(let limit): limit
        }
    }

    /// Called once libcurl is done, however it ended: a file's received bytes are all written before the transfer
    /// returns (a later attempt may resume from them).
    func settle() {
        guard case .file(let sink, _) = destination else { return }
        do { try sink.flush() } catch {
            if failure == nil { failure = .interrupted("cannot write the downloaded bytes: \(error)") }
        }
    }

    func cancel() { cancelled.store(true, ordering: .relaxed) }

    deinit { try? upload?.close() }

    /// Opens the file (or the range of it) to stream as the request body; returns the body's length.
    func openUpload(_ file: URL, range: Range<Int64>?) throws(TransportError) -> Int64 {
        do {
            let handle = try FileHandle(forReadingFrom: file)
            upload = handle
            let size = Int64(try handle.seekToEnd())
            let bytes = range ?? 0..<size
            guard bytes.lowerBound >= 0, bytes.upperBound <= size else {
                throw TransportError.notSent("the range to upload lies outside the file")
            }
            try handle.seek(toOffset: UInt64(bytes.lowerBound))
            uploadRemaining = Int64(bytes.count)
            return uploadRemaining
        } catch let error as TransportError {
            throw error
        } catch {
            throw .notSent("cannot read the file to upload: \(error)")
        }
    }

    /// Fills libcurl's buffer from the upload file; 0 at the end, abort on a read error.
    private func readUpload(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let upload, uploadRemaining > 0 else { return 0 }
        do {
            let wanted = Int(min(Int64(buffer.count), uploadRemaining))
            guard let chunk = try upload.read(upToCount: wanted), !chunk.isEmpty else { return 0 }
            chunk.copyBytes(to: buffer)
            uploadRemaining -= Int64(chunk.count)
            return chunk.count
        } catch {
            failure = .interrupted("cannot read the file to upload: \(error)")
            return Int(CURL_READFUNC_ABORT)
        }
    }

    func takeBody() -> Data {
        defer { body = Data() }
        return body
    }

    private func receiveHeader(_ line: String) {
        if line.hasPrefix("HTTP/") {
            // A new response in the chain (redirect, 100 Continue): only the last one's headers count.
            headers = HTTPFields()
            status = line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        } else {
            headers.append(rawLine: line)
        }
    }

    /// Returns false to make libcurl abort the transfer.
    private func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if case .head = destination {
            let wanted = Int(max(0, limit - bytesWritten))
            body.append(contentsOf: bytes.prefix(wanted))
            bytesWritten += Int64(min(wanted, bytes.count))
            hasHead = bytesWritten >= limit
            return !hasHead
        }
        guard bytesWritten + Int64(bytes.count) <= limit else {
            failure = .tooLarge(limit: limit)
            return false
        }
        switch destination {
        case .memory, .head:
            body.append(contentsOf: bytes)
        case .file(let sink, _):
            // An error answer's body is not the file asked for: never let it reach the sink.
            guard (200..<300).contains(status) else { return true }
            do {
                if !checkedResume {
                    checkedResume = true
                    // Anything but 206 is the whole body: a kept prefix must not stay in front of it.
                    if status != 206 && sink.byteCount > 0 { try sink.restart() }
                }
                try sink.write(bytes)
            } catch {
                failure = .interrupted("cannot write the downloaded bytes: \(error)")
                return false
            }
        }
        bytesWritten += Int64(bytes.count)
        return true
    }

    // MARK: - C callbacks

    static let writeCallback: ccurl_data_callback = { buffer, size, count, context in
        guard let buffer, let context else { return 0 }
        let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
        let length = size * count
        let accepted = transfer.receiveBody(UnsafeRawBufferPointer(start: buffer, count: length))
        return accepted ? length : 0
    }

    static let headerCallback: ccurl_data_callback = { buffer, size, count, context in
        guard let buffer, let context else { return 0 }
        let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
        let length = size * count
        let line = String(decoding: UnsafeRawBufferPointer(start: buffer, count: length), as: UTF8.self)
        transfer.receiveHeader(line)
        return length
    }

    static let readCallback: ccurl_data_callback = { buffer, size, count, context in
        guard let buffer, let context else { return Int(CURL_READFUNC_ABORT) }
        let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
        return transfer.readUpload(into: UnsafeMutableRawBufferPointer(start: buffer, count: size * count))
    }

    static let openSocketCallback: ccurl_opensocket_callback = { context, purpose, address in
        guard let context, let address, purpose == CURLSOCKTYPE_IPCXN else { return ccurl_bad_socket() }
        let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
        let candidate = address.pointee
        // `addr` is only a `sockaddr`'s size in the struct; libcurl allocates `addrlen` bytes for it.
        let storage = UnsafeRawBufferPointer(start: address.pointer(to: \.addr), count: Int(candidate.addrlen))
        let allowed = IPAddress.isPublic(socketAddress: storage, family: candidate.family)
        guard allowed else {  // installed for public-only transfers alone
            transfer.failure = .privateAddress
            return ccurl_bad_socket()
        }
        return socket(candidate.family, candidate.socktype, candidate.protocol)
    }

    static let prereqCallback: ccurl_prereq_callback = { context, primaryIP, _, _, _ in
        guard let context, let primaryIP else { return 1 }  // CURL_PREREQFUNC_ABORT
        let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
        guard IPAddress.isPublic(String(cString: primaryIP)) else {  // installed for public-only transfers alone
            transfer.failure = .privateAddress
            return 1
        }
        return 0  // CURL_PREREQFUNC_OK
    }

    static let progressCallback: ccurl_progress_callback = { context, _, _, _, _ in
        guard let context else { return 0 }
        let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
        return transfer.cancelled.load(ordering: .relaxed) ? 1 : 0
    }
}
