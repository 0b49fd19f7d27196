/// The archive's database cannot be used right now: its disk is full or read-only, a lock or a connection was not
/// had in time, a statement ran past its deadline, the server went away. Nothing was changed; the same call can
/// succeed later. The API answers 503 with `Retry-After`, workers let the item cool down and try again.
public struct StoreUnavailable: Error, CustomStringConvertible {
    public enum Reason: String, Sendable {
        /// The disk holding the database is full.
        case diskFull = "the archive's disk is full"
        /// The database refuses writes (read-only file system, I/O errors).
        case refusesWrites = "the archive's database refuses writes"
        /// A lock, a connection or an answer was not had within the deadline.
        case timedOut = "the archive's database did not answer in time"
        /// The database server cannot be reached or dropped the connection.
        case unreachable = "the archive's database cannot be reached"
    }

    public var reason: Reason
    /// The driver's own words, for the log only (never shown to a client).
    public var detail: String

    public init(_ reason: Reason, detail: String) {
        self.reason = reason
        self.detail = detail
    }

    public var description: String { "\(reason.rawValue) (\(detail))" }
}
