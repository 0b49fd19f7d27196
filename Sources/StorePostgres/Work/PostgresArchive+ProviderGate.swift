import Foundation

extension PostgresArchive {
    /// Takes the next free slot of the shared gate `name` for a call to the provider, slots `interval` apart
    /// across every instance, none before a pause ends: the caller waits until the returned time.
    public func reserveProviderSlot(_ name: String = "provider", interval: TimeInterval, now: Date) async throws
        -> Date
    {
        let slot = try await sql.value(
            Double.self,
            """
            INSERT INTO provider_gate AS g (name, next_slot) VALUES (\(name), \(now.unix) + \(interval))
            ON CONFLICT (name) DO UPDATE
            SET next_slot = greatest(g.next_slot, excluded.next_slot - \(interval), g.paused_until) + \(interval)
            RETURNING next_slot - \(interval)
            """)
        return Date(timeIntervalSince1970: slot ?? now.unix)
    }

    /// Holds every instance's calls through gate `name` until `until` (the provider answered 429).
    public func pauseProvider(_ name: String = "provider", until: Date) async throws {
        try await sql.execute(
            """
            INSERT INTO provider_gate AS g (name, next_slot, paused_until) VALUES (\(name), \(until.unix), \(until.unix))
            ON CONFLICT (name) DO UPDATE SET paused_until = greatest(g.paused_until, excluded.paused_until)
            """)
    }
}
