import Foundation

/// Wake-ups between instances: work one instance makes due (a new generation, a webhook's outputs) wakes the idle
/// workers of every instance at once, through PostgreSQL's `LISTEN`/`NOTIFY`, instead of at their next look.
extension PostgresArchive {
    static let workChannel = "eachvault_work"

    /// Tells every listening instance that `queue` has work due.
    public func announceWork(_ queue: String) async throws {
        try await sql.execute("SELECT pg_notify(\(Self.workChannel), \(queue))")
    }

    /// Calls `wake` with the queue each announcement names, from any instance, until the task is cancelled;
    /// `listening` is called each time the listen is (re)established. A lost connection is replaced after a second
    /// (announcements meanwhile are missed: workers still look on their own every few seconds).
    public func listenForWork(listening: @Sendable () -> Void = {}, _ wake: @Sendable (String) -> Void) async {
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: Self.workChannel) { announcements in
                        listening()
                        for try await announcement in announcements { wake(announcement.payload) }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning("listening for work failed; listening again", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }
}
