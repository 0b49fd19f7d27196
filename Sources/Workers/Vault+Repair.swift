import Foundation
import Storage
import Transport

/// What `repair` healed, and what it could not.
public struct RepairReport: Sendable {
    public var repaired: [String] = []
    public var unrepaired: [(sha256: String, reason: String)] = []
}

extension Vault {
    /// Fetches missing or corrupt blobs again from where they came from: an output's URL (or, once the provider's
    /// URL has expired, the one a fresh read of its prediction gives), an input's URL. The bytes must hash to the
    /// blob's name before they replace anything. Uploads have no source to fetch again and are reported.
    public func repair(_ digests: [String]) async -> RepairReport {
        var report = RepairReport()
        for sha256 in digests {
            do {
                try await repair(sha256)
                report.repaired.append(sha256)
            } catch {
                report.unrepaired.append((sha256, String(describing: error)))
            }
        }
        return report
    }

    private func repair(_ sha256: String) async throws {
        let sources = try await store.blobSources(sha256: sha256)
        guard !sources.isEmpty else { throw RepairFailure("no known source (an upload): restore it from a backup") }
        var tried: [String] = []
        for source in sources {
            for url in try await urls(of: source) {
                let tempFile = blobs.partialFile(for: "repair-\(sha256)-\(UUID().uuidString)")
                defer { try? FileManager.default.removeItem(at: tempFile) }
                do {
                    let asset = try await fetch(url, into: tempFile, policy: DownloadPolicy(source.isOutput ? .output : .input, settings))
                    guard asset.sha256 == sha256 else {
                        tried.append("the source now holds other bytes (\(asset.sha256.prefix(12))…)")
                        continue
                    }
                    try? await blobs.backend.remove(sha256)  // a corrupt copy goes first
                    try await blobs.backend.put(tempFile, sha256: sha256, size: asset.size)
                    return
                } catch let failure as DownloadFailure {
                    tried.append(failure.cause)
                }
            }
        }
        throw RepairFailure(tried.joined(separator: "; "))
    }

    /// The source's URL, then for an output the URL a fresh read of its prediction gives (providers keep outputs
    /// for a while and may sign new URLs for them).
    private func urls(of source: BlobSource) async throws -> [String] {
        guard source.isOutput, let predictionID = source.predictionID,
            let current = try? await provider.prediction(id: predictionID).outputURLs, source.position < current.count,
            source.position >= 0, current[source.position] != source.url
        else { return [source.url] }
        return [source.url, current[source.position]]
    }
}

struct RepairFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
