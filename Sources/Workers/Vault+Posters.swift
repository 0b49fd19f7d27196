import Foundation
import Metrics
import Storage
import Transport

/// Posters of stored videos and images and previews of stored videos (`PosterMaker`), made in the background and
/// kept as assets of their own.
extension Vault {
    /// Makes one poster or preview and records it, or why none could be made (a file ffmpeg cannot read, a blob the
    /// store could not give): not tried again by itself, `eachvault posters --retry-failed` puts failed ones back in
    /// the queue.
    func makeDerivedFile(_ work: DerivedWork) async throws {
        guard let posterMaker else { return }
        let (source, kind) = (work.source, work.kind)
        let output = blobs.tempDirectory.appending(path: "\(kind)-\(source.sha256).\(kind.fileExtension)")
        defer { try? FileManager.default.removeItem(at: output) }
        let counter = { (outcome: String) in
            Counter(label: "eachvault_posters_total", dimensions: [("kind", kind.rawValue), ("outcome", outcome)])
        }
        do {
            do {
                try PosterMaker.checkSize(width: source.width, height: source.height)
                try await blobs.withLocalFile(source.sha256) { file in
                    try await posterMaker.make(kind, from: file, contentType: source.contentType, into: output)
                }
                let (sha256, size) = try FileDigest.sha256(of: output)
                let made = Asset(
                    sha256: sha256, size: size, contentType: kind.contentType, durationS: nil, width: nil, height: nil,
                    videoCodec: nil, hasAudio: nil, storedAt: now())
                try await blobs.keep(output, sha256: sha256, size: size) {
                    try await store.recordDerivedFile(kind, source: source.sha256, outcome: .success(made), now: now())
                }
                counter("made").increment()
            } catch let failure as PosterFailure {
                logger.notice("no \(kind)", metadata: ["sha256": "\(source.sha256)", "cause": "\(failure)"])
                try await store.recordDerivedFile(kind, source: source.sha256, outcome: .failure(failure), now: now())
                counter("failed").increment()
            }
        } catch  where !Task.isCancelled {
            logger.warning("\(kind) failed", metadata: ["sha256": "\(source.sha256)", "error": "\(error)"])
            let failure = PosterFailure("could not be made: \(error)")
            try await recording(
                "a failed \(kind)",
                await store.recordDerivedFile(kind, source: source.sha256, outcome: .failure(failure), now: now()))
        } catch {}
    }

    /// Works through the posters and previews still to make, `limit` at most (`eachvault posters`); how many were
    /// tried.
    public func makeWaitingPosters(limit: Int) async throws -> Int {
        var tried = 0
        while tried < limit {
            let batch = try await store.dueDerivedFiles(now: now(), limit: min(16, limit - tried))
            if batch.isEmpty { break }
            for work in batch {
                try await makeDerivedFile(work)
                tried += 1
            }
        }
        return tried
    }
}
