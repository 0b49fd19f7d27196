import Archive
import Foundation
import Metrics
import ServiceLifecycle
import Transport

/// Stores every output of a succeeded prediction: streamed to a temp file while hashed, checked to be a video,
/// synced, and renamed into the content-addressed store.
public struct DownloadService: Service {
    let vault: Vault

    public init(vault: Vault) {
        self.vault = vault
    }

    public func run() async throws {
        vault.blobs.sweepTempFiles(olderThan: 24 * 3600)
        let vault = self.vault
        let loop = WorkerLoop<GenerationOutput>(
            wakeup: vault.downloadsDue, clock: vault.clock, concurrency: vault.settings.concurrentDownloads,
            idleCheck: vault.settings.idleCheck, key: { "\($0.generationID)/\($0.position)" },
            due: { now, limit in try vault.database.dueDownloads(now: now, limit: limit) },
            nextDue: { try vault.database.nextDownloadTime() },
            work: { output in await vault.download(output) })
        await cancelWhenGracefulShutdown { await loop.run() }
    }
}

/// Why one download attempt failed, and whether trying again can help.
struct DownloadFailure: Error {
    var cause: String
    var code = "download_failed"
    var retryable = true
    var expired = false
}

extension Vault {
    func download(_ output: GenerationOutput) async {
        let tempFile = blobs.newTempFile()
        defer { try? FileManager.default.removeItem(at: tempFile) }  // gone already when committed
        do {
            let asset = try await fetch(output.sourceURL, into: tempFile)
            try blobs.commit(tempFile: tempFile, sha256: asset.sha256)
            try database.recordDownloaded(output, asset: asset, now: now())
            Counter(label: "eachvault_downloads_total", dimensions: [("outcome", "ok")]).increment()
            Counter(label: "eachvault_download_bytes_total").increment(by: Int(asset.size))
        } catch _ where Task.isCancelled {
            return  // shutting down: the attempt is not the output's fault, it simply runs again after the restart
        } catch let failure as DownloadFailure {
            Counter(label: "eachvault_downloads_total", dimensions: [("outcome", "error")]).increment()
            recordFailure(failure, output)
        } catch {
            Counter(label: "eachvault_downloads_total", dimensions: [("outcome", "error")]).increment()
            recordFailure(DownloadFailure(cause: "cannot store the file: \(error)"), output)
        }
    }

    private func recordFailure(_ failure: DownloadFailure, _ output: GenerationOutput) {
        let attempt = output.attempts + 1
        let limit = failure.expired ? settings.maxExpiredAttempts : settings.maxDownloadAttempts
        let retryAt = failure.retryable && attempt < limit
            ? after(settings.downloadRetry.delay(attempt: attempt - 1)) : nil
        let code = failure.expired ? "output_expired" : failure.code
        logger.warning("download failed", metadata: [
            "generation": "\(output.generationID)", "attempt": "\(attempt)", "cause": "\(failure.cause)",
        ])
        do {
            try database.recordDownloadFailure(output, cause: failure.cause, code: code, retryAt: retryAt, now: now())
        } catch {
            logger.error("cannot record a download failure", metadata: ["generation": "\(output.generationID)"])
        }
    }

    /// Streams `url` into `tempFile` and returns the asset it holds, or throws `DownloadFailure`.
    private func fetch(_ url: String, into tempFile: URL) async throws -> Asset {
        let sink: FileSink
        do { sink = try FileSink(appendingTo: tempFile) } catch {
            throw DownloadFailure(cause: "cannot create a temp file: \(error)")
        }
        let response: DownloadResponse
        do {
            response = try await transport.download(
                HTTPRequest(url: url), into: sink, limits: DownloadLimits(maxBytes: settings.maxOutputBytes))
        } catch {
            let permanent: Bool = switch error {
            case .unsupportedScheme, .tooLarge, .tooManyRedirects: true
            default: false
            }
            throw DownloadFailure(cause: error.description, retryable: !permanent)
        }
        switch response.status {
        case 200..<300: break
        case 403, 404, 410:
            throw DownloadFailure(cause: "HTTP \(response.status): the file has expired or was removed",
                                  expired: true)
        default:
            throw DownloadFailure(cause: "HTTP \(response.status)")
        }
        if response.headers["Content-Encoding"] == nil, let declared = response.headers["Content-Length"].flatMap(Int64.init),
           declared != response.bytesReceived
        {
            throw DownloadFailure(cause: "truncated body: \(response.bytesReceived) of \(declared) bytes")
        }
        let sha256: String
        do { sha256 = try sink.finish() } catch { throw DownloadFailure(cause: "cannot sync the file: \(error)") }
        let media: MediaInfo
        do { media = try MediaProbe.inspect(fileAt: tempFile) } catch {
            throw DownloadFailure(cause: "\(error) (Content-Type \(response.headers["Content-Type"] ?? "none"))",
                                  code: "not_a_video")
        }
        return Asset(sha256: sha256, size: sink.byteCount, contentType: media.contentType,
                     durationSeconds: media.durationSeconds, width: media.width, height: media.height,
                     videoCodec: media.videoCodec, hasAudio: media.hasAudio, storedAt: now())
    }
}
