import Foundation
import Metrics
import ServiceLifecycle
import Storage

extension Vault {
    /// Checks the next blob of the archive (its store's checksum where it keeps one, else every byte) and repairs
    /// it if it is missing or corrupt. Returns what was found, for the counters.
    func scrubNextBlob() async -> ScrubOutcome {
        guard let asset = try? await store.nextAssetToScrub(now: now()) else { return .nothing }
        switch await blobs.check(asset, rehash: false) {
        case .intact:
            return .intact
        case .unreadable(let why):
            logger.warning("scrub could not read a blob", metadata: ["sha256": "\(asset.sha256)", "cause": "\(why)"])
            return .unreadable
        case .missing, .corrupt:
            let report = await repair([asset.sha256])
            if let failure = report.unrepaired.first {
                logger.error("scrub found a damaged blob it could not repair", metadata: ["sha256": "\(asset.sha256)", "cause": "\(failure.reason)"])
                return .unrepaired
            }
            logger.notice("scrub repaired a blob", metadata: ["sha256": "\(asset.sha256)"])
            return .repaired
        }
    }
}

enum ScrubOutcome: String {
    case nothing, intact, unreadable, repaired, unrepaired
}

/// The background scrub (`EACHVAULT_SCRUB_PER_HOUR`, off by default): one blob at a time, evenly spread over the
/// hour, in digest order round the whole archive, resuming where it was after a restart. Counts each outcome in
/// `eachvault_scrub_blobs_total{outcome}`.
struct ScrubService: Service {
    let vault: Vault

    func run() async throws {
        let interval = Duration.seconds(3600) / max(1, vault.settings.scrubPerHour)
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let outcome = await vault.scrubNextBlob()
                if outcome != .nothing {
                    Counter(label: "eachvault_scrub_blobs_total", dimensions: [("outcome", outcome.rawValue)]).increment()
                }
                try? await vault.clock.sleep(for: interval)
            }
        }
    }
}
