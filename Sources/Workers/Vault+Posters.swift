import Archive
import Foundation
import Metrics
import Transport

/// Posters of stored videos and images (`PosterMaker`), made in the background and kept as assets of their own.
extension Vault {
    /// Makes the poster of one stored video or image and records it, or why none could be made (a file ffmpeg
    /// cannot read, a blob the store could not give): not tried again by itself, `eachvault posters --retry-failed`
    /// puts failed ones back in the queue.
    func makePoster(of source: Asset) async {
        guard let posterMaker else { return }
        let output = blobs.tempDirectory.appending(path: "poster-\(source.sha256).jpg")
        defer { try? FileManager.default.removeItem(at: output) }
        do {
            do {
                try await blobs.withLocalFile(source.sha256) { file in
                    try await posterMaker.make(from: file, contentType: source.contentType, into: output)
                }
                let (sha256, size) = try FileDigest.sha256(of: output)
                let poster = Asset(
                    sha256: sha256, size: size, contentType: "image/jpeg", durationS: nil, width: nil, height: nil,
                    videoCodec: nil, hasAudio: nil, storedAt: now())
                try await blobs.keep(output, sha256: sha256, size: size) {
                    try await store.recordPoster(source: source.sha256, outcome: .success(poster), now: now())
                }
                Counter(label: "eachvault_posters_total", dimensions: [("outcome", "made")]).increment()
            } catch let failure as PosterFailure {
                logger.notice("no poster", metadata: ["sha256": "\(source.sha256)", "cause": "\(failure)"])
                try await store.recordPoster(source: source.sha256, outcome: .failure(failure), now: now())
                Counter(label: "eachvault_posters_total", dimensions: [("outcome", "failed")]).increment()
            }
        } catch  where !Task.isCancelled {
            logger.warning("poster failed", metadata: ["sha256": "\(source.sha256)", "error": "\(error)"])
            try? await store.recordPoster(
                source: source.sha256, outcome: .failure(PosterFailure("could not be made: \(error)")), now: now())
        } catch {}
    }

    /// Works through the posters still to make, `limit` at most (`eachvault posters`); how many were tried.
    public func makeWaitingPosters(limit: Int) async throws -> Int {
        var tried = 0
        while tried < limit {
            let batch = try await store.duePosters(now: now(), limit: min(16, limit - tried))
            if batch.isEmpty { break }
            for source in batch {
                await makePoster(of: source)
                tried += 1
            }
        }
        return tried
    }
}
