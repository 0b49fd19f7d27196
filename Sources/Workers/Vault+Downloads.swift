import Archive
import Foundation
import Metrics
import ServiceLifecycle
import Transport

/// Why one download attempt failed, and whether trying again can help.
struct DownloadFailure: Error {
    var cause: String
    var code = "download_failed"
    var retryable = true
    var expired = false
    /// The bytes fetched so far are good and worth resuming after (a transfer cut off mid-body).
    var keepsPartialFile = false
}

extension Vault {
    func download(_ output: GenerationOutput) async {
        // Named by output, so an attempt after a failure or a crash resumes the bytes already fetched.
        let tempFile = blobs.partialFile(for: "\(output.generationID)-\(output.position)")
        do {
            let asset = try await fetch(output.sourceURL, into: tempFile, expecting: .video)
            try database.recordDownloaded(output, asset: asset, now: now()) {
                try blobs.commit(tempFile: tempFile, sha256: asset.sha256)
            }
            Counter(label: "eachvault_downloads_total", dimensions: [("outcome", "ok")]).increment()
            Counter(label: "eachvault_download_bytes_total").increment(by: Int(asset.size))
        } catch _ where Task.isCancelled {
            discardPartialFile(tempFile, unless: true)  // shutting down: kept bytes are resumed after the restart
        } catch let failure as DownloadFailure {
            Counter(label: "eachvault_downloads_total", dimensions: [("outcome", "error")]).increment()
            let willRetry = recordFailure(failure, output)
            discardPartialFile(tempFile, unless: failure.keepsPartialFile && willRetry)
        } catch {
            Counter(label: "eachvault_downloads_total", dimensions: [("outcome", "error")]).increment()
            try? FileManager.default.removeItem(at: tempFile)
            _ = recordFailure(DownloadFailure(cause: "cannot store the file: \(error)"), output)
        }
    }

    /// Records a failed attempt; returns true when another attempt is scheduled.
    private func recordFailure(_ failure: DownloadFailure, _ output: GenerationOutput) -> Bool {
        let attempt = output.attempts + 1
        let retryAt = retryTime(
            after: failure, attempt: attempt,
            limit: failure.expired ? settings.maxExpiredAttempts : settings.maxDownloadAttempts)
        let code = failure.expired ? "output_expired" : failure.code
        logger.warning(
            "download failed",
            metadata: [
                "generation": "\(output.generationID)", "attempt": "\(attempt)", "cause": "\(failure.cause)",
            ])
        do {
            try database.recordDownloadFailure(output, cause: failure.cause, code: code, retryAt: retryAt, now: now())
        } catch {
            logger.error("cannot record a download failure", metadata: ["generation": "\(output.generationID)"])
        }
        return retryAt != nil
    }

    /// A media input (lineage): stored like an output, but any media type will do, and a failure never touches the
    /// generation itself.
    func download(_ input: GenerationInput) async {
        let tempFile = blobs.partialFile(for: "\(input.generationID)-in-\(input.field)-\(input.position)")
        do {
            let asset = try await fetch(input.sourceURL, into: tempFile, expecting: .anyMedia)
            try database.recordInputDownloaded(input, asset: asset, now: now()) {
                try blobs.commit(tempFile: tempFile, sha256: asset.sha256)
            }
            Counter(label: "eachvault_input_downloads_total", dimensions: [("outcome", "ok")]).increment()
        } catch _ where Task.isCancelled {
            discardPartialFile(tempFile, unless: true)
        } catch {
            Counter(label: "eachvault_input_downloads_total", dimensions: [("outcome", "error")]).increment()
            let failure = error as? DownloadFailure ?? DownloadFailure(cause: "cannot store the file: \(error)")
            let retryAt = retryTime(after: failure, attempt: input.attempts + 1, limit: settings.maxDownloadAttempts)
            discardPartialFile(tempFile, unless: failure.keepsPartialFile && retryAt != nil)
            logger.warning(
                "input download failed",
                metadata: [
                    "generation": "\(input.generationID)", "field": "\(input.field)", "cause": "\(failure.cause)",
                ])
            try? database.recordInputDownloadFailure(input, cause: failure.cause, retryAt: retryAt, now: now())
        }
    }

    /// When to try again after the failed `attempt` (1-based), or nil when it was the last of `limit` or cannot help.
    private func retryTime(after failure: DownloadFailure, attempt: Int, limit: Int) -> Date? {
        failure.retryable && attempt < limit ? after(settings.downloadRetry.delay(attempt: attempt - 1)) : nil
    }

    /// Removes a failed attempt's temp file unless its bytes are worth resuming from (an empty one never is).
    private func discardPartialFile(_ tempFile: URL, unless keep: Bool) {
        let size = (try? FileManager.default.attributesOfItem(atPath: tempFile.path)[.size] as? Int) ?? 0
        if !keep || size == 0 { try? FileManager.default.removeItem(at: tempFile) }
    }

    enum ExpectedMedia { case video, anyMedia }

    /// Streams `url` into `tempFile` and returns the asset it holds, or throws `DownloadFailure`.
    private func fetch(_ url: String, into tempFile: URL, expecting expected: ExpectedMedia) async throws -> Asset {
        let sink: FileSink
        do { sink = try FileSink(appendingTo: tempFile) } catch {
            throw DownloadFailure(cause: "cannot create a temp file: \(error)")
        }
        var request = HTTPRequest(url: url)
        if sink.keptPrefix > 0 { request.headers.append(("Range", "bytes=\(sink.keptPrefix)-")) }
        let response: DownloadResponse
        let isInput = expected == .anyMedia
        let publicOnly = isInput && settings.inputsFromPublicAddressesOnly
        do {
            response = try await transport.download(
                request, into: sink,
                limits: DownloadLimits(
                    maxBytes: isInput ? settings.maxInputBytes : settings.maxOutputBytes, publicAddressesOnly: publicOnly,
                    totalTimeout: isInput ? settings.inputDownloadDeadline : settings.outputDownloadDeadline))
        } catch {
            let permanent: Bool =
                switch error {
                case .unsupportedScheme, .tooLarge, .tooManyRedirects, .privateAddress: true
                default: false
                }
            // A URL from a team gets one answer for every failure to reach it: distinct messages (refused, no such
            // name, private address) would turn input URLs into a scanner of this service's network.
            var cause = publicOnly ? "could not fetch the file from a public internet address" : error.description
            if case .tooLarge = error { cause = error.description }  // the team's own file: saying its size helps
            throw DownloadFailure(cause: cause, retryable: !permanent, keepsPartialFile: !permanent)
        }
        switch response.status {
        case 206:
            let start = response.headers[.contentRange].flatMap(HTTPSyntax.contentRangeStart)
            guard start == sink.keptPrefix else {
                throw DownloadFailure(cause: "the server resumed at the wrong offset (\(response.headers[.contentRange] ?? "no Content-Range"))")
            }
        case 200..<300: break
        case 416 where sink.keptPrefix > 0:
            throw DownloadFailure(cause: "the kept partial file no longer fits the server's file; starting over")
        case 403, 404, 410:
            throw DownloadFailure(
                cause: "HTTP \(response.status): the file has expired or was removed",
                expired: true)
        default:
            throw DownloadFailure(cause: "HTTP \(response.status)")
        }
        if let declared = response.headers[.contentLength].flatMap(Int64.init),
            declared != response.bytesReceived
        {
            throw DownloadFailure(
                cause: "truncated body: \(response.bytesReceived) of \(declared) bytes",
                keepsPartialFile: true)
        }
        let sha256: String
        do { sha256 = try sink.finish() } catch { throw DownloadFailure(cause: "cannot sync the file: \(error)") }
        do {
            return try Asset.describing(
                fileAt: tempFile, sha256: sha256, size: sink.byteCount,
                videoOnly: expected == .video, storedAt: now())
        } catch {
            throw DownloadFailure(
                cause: "\(error) (Content-Type \(response.headers[.contentType] ?? "none"))",
                code: expected == .video ? "not_a_video" : "not_media")
        }
    }
}
