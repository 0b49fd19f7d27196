import Foundation
import Transport

/// A file `VaultClient.download` left on disk.
public struct DownloadedFile: Sendable {
    public var path: URL
    public var sha256: String
    public var size: Int64
    /// Bytes an interrupted earlier download had left (`NAME.part`), not fetched again.
    public var resumedFrom: Int64
    /// The file was there already with the right checksum: nothing was fetched.
    public var alreadyThere: Bool
}

/// A download that did not give the file asked for.
public struct DownloadMismatch: Error, CustomStringConvertible {
    public var expected: String
    public var received: String

    public var description: String {
        "the downloaded bytes have SHA-256 \(received), not \(expected): the partial file was removed; run the "
            + "command again"
    }
}

extension VaultClient {
    /// Streams the team's file `sha256` to `destination`, checked against its SHA-256 before it takes that name. The
    /// bytes arrive in `destination.part`, which an interrupted run leaves behind and the next one resumes from
    /// (`Range`); a destination already holding the right bytes is left alone.
    public func download(sha256: String, to destination: URL) async throws -> DownloadedFile {
        if FileManager.default.fileExists(atPath: destination.path),
            let existing = try? await Blocking.run({ try FileDigest.sha256(of: destination) }), existing.sha256 == sha256
        {
            return DownloadedFile(
                path: destination, sha256: sha256, size: existing.size, resumedFrom: 0, alreadyThere: true)
        }
        let partial = destination.appendingPathExtension("part")
        do {
            return try await fetch(sha256: sha256, into: partial, destination: destination)
        } catch let error as VaultClientError where error.status == 416 {
            try? FileManager.default.removeItem(at: partial)  // the kept prefix no longer fits: once more, whole
            return try await fetch(sha256: sha256, into: partial, destination: destination)
        }
    }

    private func fetch(sha256: String, into partial: URL, destination: URL) async throws -> DownloadedFile {
        let sink = try FileSink(appendingTo: partial)
        let kept = sink.keptPrefix
        var request = HTTPRequest(url: baseURL + "/v1/files/\(Self.encoded(sha256))?download=1", headers: authorization)
        if kept > 0 { request.headers.append(("Range", "bytes=\(kept)-")) }
        let response: DownloadResponse
        do {
            // A presigned redirect leaves this server: curl sends the token to no other host.
            response = try await transport.download(
                request, into: sink, limits: DownloadLimits(maxBytes: .max, lowSpeedWindow: .seconds(60)))
        } catch {
            try? sink.flush()
            throw VaultUnreachable(url: baseURL, cause: error, remark: "the partial file is kept to resume from")
        }
        guard (200..<300).contains(response.status) else {
            try? sink.flush()
            throw refusal(response.status, body: Data())
        }
        let digest = try await Blocking.run { try sink.finish() }
        guard digest == sha256 else {
            try? FileManager.default.removeItem(at: partial)
            throw DownloadMismatch(expected: sha256, received: digest)
        }
        _ = try? FileManager.default.removeItem(at: destination)
        try FileManager.default.moveItem(at: partial, to: destination)
        return DownloadedFile(
            path: destination, sha256: sha256, size: sink.byteCount, resumedFrom: response.status == 206 ? kept : 0,
            alreadyThere: false)
    }
}
