import VaultDomain

/// One work queue, written once for both databases: which rows wait, when each falls due, whose team it is and what a
/// worker reads of it. SQLite reads a queue through `WorkQueue`, PostgreSQL claims from it under leases
/// (`ClaimQueue`); both give each team's most overdue row before any team's second, so no team's backlog holds the
/// workers (or the provider's rate gate) for everyone else.
public struct QueueRule: Sendable {
    /// The queue's name in `/metrics`, `/readyz` and PostgreSQL's `work_leases`.
    public let name: String
    /// The rows, read as `f`, and what the condition and the columns need joined to them.
    public let table: String
    public let join: String
    /// When a row falls due: a column of `f`.
    public let dueColumn: String
    /// Which rows wait. Statuses are SQL text from `GenerationStatus`, never bound values (SQLite matches a partial
    /// index only to text it can see); where a partial index by (team, due time) exists, this spells its condition
    /// term for term.
    public let condition: String
    /// The team a row belongs to (a column of `f` or of a joined table), for the turns between teams.
    public let team: String
    /// The row's identity as text: a PostgreSQL lease's `item`.
    public let key: String
    /// What a worker reads of each due row.
    public let columns: String
    /// What orders a team's rows due at the same time (an expression of the rows), nil for no preference.
    public let tieBreak: String?

    init(
        name: String, table: String, join: String = "", dueColumn: String, condition: String, team: String = "f.team_id",
        key: String = "f.id", columns: String = "f.*", tieBreak: String? = nil
    ) {
        (self.name, self.table, self.join, self.dueColumn) = (name, table, join, dueColumn)
        (self.condition, self.team, self.key, self.columns, self.tieBreak) = (condition, team, key, columns, tieBreak)
    }

    /// The order of a team's due rows: by due time, then the tie-break.
    public var order: String { "f.\(dueColumn)" + (tieBreak.map { ", \($0)" } ?? "") }
}

extension QueueRule {
    /// Pending generations waiting for a create (not one in flight): the create is the call that costs money.
    public static let submissions = QueueRule(
        name: "submissions", table: "generations", dueColumn: "next_action_at",
        condition: "f.status = \(quoted: .pending) AND f.submit_started_at IS NULL")
    /// Generations running at the provider, or owing a confirming read.
    public static let polls = QueueRule(
        name: "polls", table: "generations", dueColumn: "next_action_at",
        condition: "f.status IN (\(quoted: .submitted), \(quoted: .processing)) OR f.confirm_pending = 1")
    /// Creates whose answer was lost, looked for in webhooks and the webhook log.
    public static let reconciliations = QueueRule(
        name: "reconciliations", table: "generations", dueColumn: "next_action_at",
        condition: "f.status = \(quoted: .pending) AND f.submit_uncertain_since IS NOT NULL")
    /// Outputs of downloading generations still to be stored.
    public static let downloads = QueueRule(
        name: "downloads", table: "generation_outputs", join: "JOIN generations g ON g.id = f.generation_id",
        dueColumn: "next_attempt_at", condition: "f.sha256 IS NULL AND g.status = \(quoted: .downloading)",
        key: "f.generation_id || ':' || f.position")
    /// Media inputs of requests the provider accepted (a refused request's URLs are never visited).
    public static let inputDownloads = QueueRule(
        name: "input_downloads", table: "generation_inputs", join: "JOIN generations g ON g.id = f.generation_id",
        dueColumn: "next_attempt_at", condition: "f.next_attempt_at IS NOT NULL AND g.prediction_id IS NOT NULL",
        key: "f.generation_id || ':' || f.field || ':' || f.position")
    /// Posters and previews of stored files waiting to be made, in turns of the team whose file first asked for one;
    /// a file's poster (a fraction of a second of ffmpeg, what its card needs first) before its preview (seconds).
    public static let posters = QueueRule(
        name: "posters", table: "derived_files", join: "JOIN assets a ON a.sha256 = f.source_sha256",
        dueColumn: "changed_at", condition: "f.sha256 IS NULL AND f.error IS NULL",
        key: "f.source_sha256 || ':' || f.kind", columns: "a.*, f.kind AS derived_kind, f.team_id AS derived_team",
        tieBreak: "f.kind")
    /// Second predictions a webhook named, awaiting the provider's confirmation.
    public static let extraPredictions = QueueRule(
        name: "extra_predictions", table: "extra_predictions", join: "JOIN generations g ON g.id = f.generation_id",
        dueColumn: "next_check_at", condition: "f.state = 'unconfirmed'", team: "g.team_id", key: "f.prediction_id",
        columns: "f.prediction_id AS extra_prediction_id, g.*")
    /// Outgoing webhook messages of enabled endpoints, each the oldest undelivered one of its generation for its
    /// endpoint (a generation's events arrive in order).
    public static let messages = QueueRule(
        name: "outgoing_webhooks", table: "webhook_messages", join: "JOIN webhook_endpoints e ON e.id = f.endpoint_id",
        dueColumn: "next_attempt_at",
        condition: """
            f.next_attempt_at IS NOT NULL AND e.enabled = 1 AND NOT EXISTS (
                SELECT 1 FROM webhook_messages earlier
                WHERE earlier.endpoint_id = f.endpoint_id AND earlier.generation_id IS NOT DISTINCT FROM f.generation_id
                AND earlier.id < f.id AND earlier.next_attempt_at IS NOT NULL)
            """,
        team: "e.team_id", key: "CAST(f.id AS TEXT)",
        columns: "f.id, f.message_id, f.endpoint_id, e.team_id, e.url, e.secret, f.payload, f.attempts")

    /// Every queue a worker reads, in the order `/readyz` lists them.
    public static let all: [QueueRule] = [
        .submissions, .polls, .reconciliations, .downloads, .inputDownloads, .posters, .extraPredictions, .messages,
    ]
}

extension PendingFile.Kind {
    /// The queue files of this kind wait in.
    public var queue: QueueRule { self == .output ? .downloads : .inputDownloads }
}

extension String.StringInterpolation {
    /// A status as quoted SQL text (statuses are fixed identifiers, never user input).
    fileprivate mutating func appendInterpolation(quoted status: GenerationStatus) {
        appendLiteral("'\(status.rawValue)'")
    }
}
