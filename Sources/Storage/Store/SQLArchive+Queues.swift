import Foundation

/// One work queue's state: rows due now and how long the oldest has waited.
public struct QueueDepth: Sendable, Equatable {
    /// `submissions`, `polls`, `reconciliations`, `downloads`, `input_downloads`.
    public var name: String
    public var due: Int
    /// Seconds since the most overdue row fell due (0 when none is due).
    public var oldestDueSeconds: Double

    package init(name: String, due: Int, oldestDueSeconds: Double) {
        self.name = name
        self.due = due
        self.oldestDueSeconds = oldestDueSeconds
    }
}

extension SQLArchive {
    /// Bytes each team's files take (outputs, inputs and uploads, each distinct blob once per team), by team name.
    /// A whole-archive scan: callers keep it for minutes.
    public func storageByTeam() async throws -> [String: Int64] {
        try await reading { db in
            let rows = try db.rows(Self.storageQuery(""))
            return try Dictionary(rows.map { (try $0["name"] as String, try $0["bytes"] as Int64) }) { first, _ in first }
        }
    }

    /// Bytes one team's files take, counted as `storageByTeam` counts them.
    public func storageBytes(teamID: String) async throws -> Int64 {
        try await reading { db in
            try db.row(Self.storageQuery("WHERE t.id = \(teamID)"))?["bytes"] ?? 0
        }
    }

    private static func storageQuery(_ filter: SQLText) -> SQLText {
        """
        SELECT t.name AS name, coalesce(sum(a.size), 0) AS bytes FROM teams t
        LEFT JOIN (
            SELECT team_id, sha256 FROM generation_outputs WHERE sha256 IS NOT NULL
            UNION SELECT team_id, sha256 FROM generation_inputs WHERE sha256 IS NOT NULL
            UNION SELECT team_id, sha256 FROM team_files
        ) held ON held.team_id = t.id
        LEFT JOIN assets a ON a.sha256 = held.sha256
        \(filter) GROUP BY t.id
        """
    }
}
