import Blobs
import Foundation
import Metrics
import ServiceLifecycle
import Storage
import Transport

/// How a kind of file is fetched: what it must be, how big, how long, from where, and how many tries.
struct DownloadPolicy {
    var videoOnly: Bool
    var limits: DownloadLimits
    var maxAttempts: Int
    /// Files the provider no longer has get a number of tries of their own (outputs only).
    var maxExpiredAttempts: Int
    var metric: String

    init(_ kind: PendingFile.Kind, _ settings: WorkerSettings) {
        switch kind {
        case .output:
            videoOnly = true
            limits = DownloadLimits(
                maxBytes: settings.maxOutputBytes, publicAddressesOnly: false,
                totalTimeout: settings.outputDownloadDeadline)
            maxExpiredAttempts = settings.maxExpiredAttempts
            metric = "eachvault_downloads_total"
        case .input:
            // A team's URL: public addresses only (unless the operator allows more).
            videoOnly = false
            limits = DownloadLimits(
                maxBytes: settings.maxInputBytes, publicAddressesOnly: settings.inputsFromPublicAddressesOnly,
                totalTimeout: settings.inputDownloadDeadline)
            maxExpiredAttempts = settings.maxDownloadAttempts
            metric = "eachvault_input_downloads_total"
        }
        maxAttempts = settings.maxDownloadAttempts
    }

    func attempts(_ failure: DownloadFailure) -> Int { failure.expired ? maxExpiredAttempts : maxAttempts }
}

/// A fetched file the store could not take for now (`isPassingOutage`): it waits in `tmp/`.
struct WaitingForStore: CarriesCause, CustomStringConvertible {
    var cause: any Error
    var description: String { "the store cannot take the file for now: \(cause)" }
}

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
    /// Fetches one output or media input into the archive. Outputs must be video, inputs any media; a failed output
    /// at its last attempt fails the generation, a failed input never touches it.
    func download(_ file: PendingFile) async throws {
        if let low = lowDiskSpace() { throw low }  // waits, cooling down, until space returns
        let teamID = try await store.generation(id: file.generationID)?.teamID
        if let paused = try await downloadsPaused(teamID: teamID) {
            // The team's own limit, not an outage: its files wait in the queue, costing no attempt.
            try await store.postponeFile(file, until: after(settings.storageRecount), reason: paused)
            return
        }
        let policy = DownloadPolicy(file.kind, settings)
        // Named by the file, so an attempt after a failure or a crash resumes the bytes already fetched.
        let tempFile = blobs.partialFile(for: file.key)
        do {
            let asset: Asset
            if let fetched = blobs.fetchedAsset(in: tempFile) {
                asset = fetched  // fetched by an attempt the store could not take
            } else {
                asset = try await fetch(file.sourceURL, into: tempFile, policy: policy)
            }
            try await keep(tempFile, asset, of: file)
            if let teamID { storageUsage.forget(teamID) }  // counted again before the team's next file
            outgoingDue.signal()  // asset.stored, and generation.completed with the last output
            postersDue.signal()
            Counter(label: policy.metric, dimensions: [("outcome", "ok")]).increment()
            if file.kind == .output { Counter(label: "eachvault_download_bytes_total").increment(by: Int(asset.size)) }
        } catch _ where Task.isCancelled {
            discardPartialFile(tempFile, unless: true)  // shutting down: kept bytes are resumed after the restart
        } catch let waiting as WaitingForStore {
            throw waiting  // not an attempt: the worker loop lets the file cool down and tries again
        } catch {
            Counter(label: policy.metric, dimensions: [("outcome", "error")]).increment()
            let failure = error as? DownloadFailure ?? DownloadFailure(cause: "cannot store the file: \(error)")
            let retryAt =
                failure.retryable && file.attempts + 1 < policy.attempts(failure)
                ? after(settings.downloadRetry.delay(attempt: file.attempts)) : nil
            discardPartialFile(tempFile, unless: failure.keepsPartialFile && retryAt != nil)
            logger.warning(
                "download failed",
                metadata: [
                    "generation": "\(file.generationID)", "file": "\(file.label)", "attempt": "\(file.attempts + 1)",
                    "cause": "\(failure.cause)",
                ])
            try await recording(
                "a failed download",
                await store.recordFailedAttempt(
                    file, cause: failure.cause, code: failure.expired ? "output_expired" : failure.code,
                    retryAt: retryAt, now: now()))
        }
    }

    /// Stores a fetched file and records it. A store that cannot take it for now (`isPassingOutage`) does
    /// not cost the file an attempt: its bytes wait in `tmp/` for the next one, and the provider is not asked again.
    private func keep(_ tempFile: URL, _ asset: Asset, of file: PendingFile) async throws {
        do {
            try await blobs.keep(tempFile, sha256: asset.sha256, size: asset.size) {
                try await store.recordStored(file, asset: asset, now: now())
            }
            blobs.forgetFetched(tempFile)
        } catch  where isPassingOutage(error) && !Task.isCancelled {
            try? blobs.rememberFetched(asset, in: tempFile)
            Counter(label: "eachvault_downloads_waiting_for_store_total").increment()
            logger.notice(
                "a fetched file waits for the store",
                metadata: ["generation": "\(file.generationID)", "file": "\(file.label)", "cause": "\(error)"])
            throw WaitingForStore(cause: error)
        }
    }

    /// Removes the partial downloads no longer wanted: their file was stored (the process died between recording
    /// it and removing the temp file) or their generation is gone. Run at start, so no stale `.part` waits for the
    /// day-old sweep; a file still to be fetched keeps its bytes to resume from.
    public func sweepFinishedDownloads() async {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: blobs.tempDirectory.path)) ?? []
        for name in names where name.hasSuffix(".part") && name.hasPrefix("gen_") {
            let key = String(name.dropLast(".part".count))
            guard let generationID = key.split(separator: "-").first.map(String.init) else { continue }
            let detail: GenerationDetail?
            do { detail = try await store.generationDetail(id: generationID) } catch { continue }  // asked again next start
            let pending =
                (detail?.outputs ?? []).filter { $0.asset == nil }.map { PendingFile.output($0.output).key }
                + (detail?.inputs ?? []).filter { $0.asset == nil }.map { PendingFile.input($0.input).key }
            if !pending.contains(key) {
                let partial = blobs.tempDirectory.appending(path: name)
                try? FileManager.default.removeItem(at: partial)
                blobs.forgetFetched(partial)
            }
        }
    }

    /// Removes a failed attempt's temp file unless its bytes are worth resuming from (an empty one never is).
    private func discardPartialFile(_ tempFile: URL, unless keep: Bool) {
        let size = (try? FileManager.default.attributesOfItem(atPath: tempFile.path)[.size] as? Int) ?? 0
        if !keep || size == 0 {
            try? FileManager.default.removeItem(at: tempFile)
            blobs.forgetFetched(tempFile)
        }
    }

    /// Streams `url` into `tempFile` and returns the asset it holds, or throws `DownloadFailure`.
    func fetch(_ url: String, into tempFile: URL, policy: DownloadPolicy) async throws -> Asset {
        let sink: FileSink
        do { sink = try FileSink(appendingTo: tempFile) } catch {
            throw DownloadFailure(cause: "cannot create a temp file: \(error)")
        }
        var request = HTTPRequest(url: url)
        if sink.keptPrefix > 0 { request.headers.append(("Range", "bytes=\(sink.keptPrefix)-")) }
        let response: DownloadResponse
        let publicOnly = policy.limits.publicAddressesOnly
        do {
            response = try await transport.download(request, into: sink, limits: policy.limits)
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
        do {
            sha256 = try await Blocking.run { try sink.finish() }  // the sync waits for the disk: off the cooperative pool
        } catch { throw DownloadFailure(cause: "cannot sync the file: \(error)") }
        do {
            return try Asset.describing(
                fileAt: tempFile, sha256: sha256, size: sink.byteCount,
                videoOnly: policy.videoOnly, storedAt: now())
        } catch {
            throw DownloadFailure(
                cause: "\(error) (Content-Type \(response.headers[.contentType] ?? "none"))",
                code: policy.videoOnly ? "not_a_video" : "not_media")
        }
    }
}
