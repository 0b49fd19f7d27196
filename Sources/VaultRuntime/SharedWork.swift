import Foundation
import Logging
import ServiceLifecycle
import StorePostgres
import Workers

/// The provider's rate shared by every instance on one PostgreSQL database: each call takes the next slot of the
/// gate row (`provider_gate`), and a 429 seen by any instance holds them all. Slots are wall-clock times, so the
/// instances' clocks must agree (NTP). When the database cannot be asked, this instance paces itself alone.
struct SharedProviderPacing: ProviderPacing {
    let archive: PostgresArchive
    let requestsPerSecond: Double
    let alone: RateGate

    init(archive: PostgresArchive, requestsPerSecond: Double) {
        self.archive = archive
        self.requestsPerSecond = requestsPerSecond
        alone = RateGate(requestsPerSecond: requestsPerSecond)
    }

    func enter() async {
        guard
            let slot = try? await archive.reserveProviderSlot(
                interval: 1 / max(requestsPerSecond, 0.001), now: Date())
        else { return await alone.enter() }
        let wait = slot.timeIntervalSinceNow
        if wait > 0 { try? await Task.sleep(for: .seconds(min(wait, 3600))) }
    }

    func pause(for duration: Duration) async {
        do {
            try await archive.pauseProvider(until: Date().addingTimeInterval(duration.seconds))
        } catch {
            await alone.pause(for: duration)
        }
    }
}

/// Wake-ups between instances: a queue's signal here is announced to every instance (`NOTIFY`), and their
/// announcements wake the workers here (`LISTEN`), so work one instance makes due starts at once on any of them.
struct WakeupRelay: Service {
    let archive: PostgresArchive
    let vault: Vault

    init(archive: PostgresArchive, vault: Vault) {
        self.archive = archive
        self.vault = vault
        for (name, wakeup) in vault.wakeups {
            wakeup.relay { Task { try? await archive.announceWork(name) } }
        }
    }

    func run() async throws {
        let wakeups = vault.wakeups
        await cancelWhenGracefulShutdown {
            await archive.listenForWork { wakeups[$0]?.signalHere() }
        }
    }
}
