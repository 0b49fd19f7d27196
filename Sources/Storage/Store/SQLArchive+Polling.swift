import Foundation

/// What one poll of a prediction found.
public enum PollOutcome: Sendable {
    /// Still running at the provider; look again at `nextPollAt`.
    case running(providerStatus: String, nextPollAt: Date)
    /// Done: these files are to be downloaded.
    case succeeded(outputURLs: [String], costUSD: Double?, predictTime: Double?)
    case failed(code: String, message: String, costUSD: Double?)
    case cancelled
}

extension SQLArchive {
    /// Applies a poll's result in one transaction (`GenerationLife.polled`): outputs to download are recorded with
    /// the status change; a generation already past polling only settles a pending confirmation (the cost a webhook
    /// lacks), and a late answer for a settled generation changes nothing.
    public func recordPoll(id: String, outcome: PollOutcome, now: Date) async throws {
        try await writing { db in
            _ = try db.advance(id, at: now) { GenerationLife.polled(outcome, $0, at: now) }
        }
    }

    public func cancelGeneration(id: String, teamID: String, answer: PollOutcome?, now: Date) async throws -> Bool {
        try await writing(durably: true) { db in
            try db.advance(id, at: now) { $0.teamID == teamID ? GenerationLife.cancelAsked(answer: answer, $0, at: now) : nil }
        }
    }

    /// A poll could not be made (rate limit, provider or network error): try again at `retryAt`.
    public func reschedulePoll(id: String, retryAt: Date, reason: String, now: Date) async throws {
        try await writing { db in
            _ = try db.advance(id, at: now) { GenerationLife.pollFailed(retryAt: retryAt, reason: reason, $0, at: now) }
        }
    }
}

extension SQLArchive {
    /// A model's 21 latest run times (through the `generations_run_times` index).
    static func recentRunTimes(model: String) -> SQLText {
        """
        SELECT predict_time_s FROM generations WHERE model = \(model) AND predict_time_s IS NOT NULL
        ORDER BY seq DESC LIMIT 21
        """
    }

    /// Median run time of this model's recent predictions, to know when a missing webhook is overdue.
    public func typicalRunTime(model: String) async throws -> TimeInterval? {
        try await reading { db in
            let times = try db.values(Double.self, Self.recentRunTimes(model: model))
            return times.isEmpty ? nil : times.sorted()[times.count / 2]
        }
    }
}
