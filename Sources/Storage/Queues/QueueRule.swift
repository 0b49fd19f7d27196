import VaultDomain

/// Which rows wait in one of the work queues and when each falls due, written once for both databases: SQLite reads a
/// queue through `WorkQueue` (each team's first rows through the queue's partial index, whose condition this spells
/// term for term, migration 0009), PostgreSQL claims from it under leases (`ClaimQueue`).
public struct QueueRule: Sendable {
    /// The queue's name in `/metrics`, `/readyz` and PostgreSQL's `work_leases`.
    public let name: String
    /// The rows, read as `f`, and what the condition needs joined to them.
    public let table: String
    public let join: String
    /// When a row falls due: a column of `f`.
    public let dueColumn: String
    /// Which rows wait. Statuses are SQL text from `GenerationStatus`, never bound values (SQLite matches a partial
    /// index only to text it can see).
    public let condition: String
}

extension QueueRule {
    /// Pending generations waiting for a create (not one in flight): the create is the call that costs money.
    public static let submissions = QueueRule(
        name: "submissions", table: "generations", join: "", dueColumn: "next_action_at",
        condition: "f.status = \(quoted: .pending) AND f.submit_started_at IS NULL")
    /// Generations running at the provider, or owing a confirming read.
    public static let polls = QueueRule(
        name: "polls", table: "generations", join: "", dueColumn: "next_action_at",
        condition: "f.status IN (\(quoted: .submitted), \(quoted: .processing)) OR f.confirm_pending = 1")
    /// Creates whose answer was lost, looked for in webhooks and the webhook log.
    public static let reconciliations = QueueRule(
        name: "reconciliations", table: "generations", join: "", dueColumn: "next_action_at",
        condition: "f.status = \(quoted: .pending) AND f.submit_uncertain_since IS NOT NULL")
    /// Outputs of downloading generations still to be stored.
    public static let downloads = QueueRule(
        name: "downloads", table: "generation_outputs", join: "JOIN generations g ON g.id = f.generation_id",
        dueColumn: "next_attempt_at", condition: "f.sha256 IS NULL AND g.status = \(quoted: .downloading)")
    /// Media inputs of requests the provider accepted (a refused request's URLs are never visited).
    public static let inputDownloads = QueueRule(
        name: "input_downloads", table: "generation_inputs", join: "JOIN generations g ON g.id = f.generation_id",
        dueColumn: "next_attempt_at", condition: "f.next_attempt_at IS NOT NULL AND g.prediction_id IS NOT NULL")

    /// Every queue a worker reads, in the order `/readyz` lists them.
    public static let all: [QueueRule] = [.submissions, .polls, .reconciliations, .downloads, .inputDownloads]
}

extension String.StringInterpolation {
    /// A status as quoted SQL text (statuses are fixed identifiers, never user input).
    fileprivate mutating func appendInterpolation(quoted status: GenerationStatus) {
        appendLiteral("'\(status.rawValue)'")
    }
}
