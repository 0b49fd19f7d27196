import Foundation
import GRDB
import Storage
import Transport

/// The archive's SQLite database: the embedded default. Handlers and workers call intention-named methods
/// (`recordSubmitted`, `duePolls`, ...): most are written once for both databases (`SQLArchive`, in Archive's
/// `Store/SQLArchive+*.swift`); SQLite's own are here (work-queue reads, FTS5 search, tables, backups).
public struct AppDatabase: SQLArchive {
    let writer: any DatabaseWriter
    /// This database's threads: at most eight calls at a time (SQLite has five readers and one writer).
    private let lane = BlockingLane(width: 8)
    /// The full-text vocabulary searches ask, remembered (see `SearchVocabulary`).
    let vocabulary = SearchVocabulary()

    /// Opens (creating if needed) the database at `path` in WAL mode and applies pending migrations.
    public init(path: String) throws {
        var configuration = Self.configuration
        configuration.busyMode = .timeout(10)
        try self.init(DatabasePool(path: path, configuration: configuration))
    }

    /// Runs a read on the database lane and suspends meanwhile. A handler waiting for a slow query (a search, a
    /// report) or for the writer's lock must not hold one of Swift's cooperative threads (two on a two-core host),
    /// or every other team's request waits with it. At most eight at a time (SQLite has five readers and one
    /// writer): more would only hold threads waiting.
    func read<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await onLane { [writer] in try writer.read(work) }
    }

    /// Runs a transaction on the database lane (see `read`).
    func write<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await onLane { [writer] in try writer.write(work) }
    }

    public var dialect: SQLDialect { .sqlite }

    public func reading<T: Sendable>(_ work: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T {
        try await read { db in try work(db) }
    }

    /// A durable commit syncs the log: WAL with synchronous=NORMAL (GRDB's default, and right for everything else)
    /// may roll the last commits back on a power loss.
    public func writing<T: Sendable>(durably: Bool, _ work: @escaping @Sendable (any SQLSession) throws -> T)
        async throws -> T
    {
        guard durably else { return try await write { db in try work(db) } }
        return try await writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            defer { try? db.execute(sql: "PRAGMA synchronous = NORMAL") }
            var result: T?
            try db.inTransaction {
                result = try work(db)
                return .commit
            }
            guard let result else { throw DatabaseError(message: "the transaction returned nothing") }
            return result
        }
    }

    /// Runs statements outside a transaction on the database lane (see `read`).
    func writeWithoutTransaction<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await onLane { [writer] in try writer.writeWithoutTransaction(work) }
    }

    /// Runs `work` on the lane; a database that cannot be used now (full disk, read-only or failing file, a lock
    /// not had within the busy timeout) is a `StoreUnavailable`, so callers answer 503 or cool down instead of
    /// passing SQLite's words on.
    private func onLane<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        do {
            return try await lane.run(work)
        } catch let error as DatabaseError {
            guard let reason = Self.outage(error.resultCode) else { throw error }
            throw StoreUnavailable(reason, detail: "SQLite: \(error.message ?? "\(error.resultCode)")")
        }
    }

    static func outage(_ code: ResultCode) -> StoreUnavailable.Reason? {
        switch code.primaryResultCode {
        case .SQLITE_FULL: .diskFull
        case .SQLITE_IOERR, .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM: .refusesWrites
        case .SQLITE_BUSY, .SQLITE_LOCKED: .timedOut
        default: nil
        }
    }

    /// An in-memory database, for unit tests.
    public static func inMemory() throws -> AppDatabase {
        try AppDatabase(DatabaseQueue(configuration: configuration))
    }

    /// What every connection has: foreign keys enforced, the search ranking function.
    private static var configuration: Configuration {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.prepareDatabase { db in RankFunction.register(db) }
        return configuration
    }

    init(_ writer: any DatabaseWriter) throws {
        self.writer = writer
        try Self.migrator.migrate(writer)
        writer.add(transactionObserver: SearchTextObserver(vocabulary), extent: .databaseLifetime)
    }

    /// One migration per embedded `migrations/sqlite/NNNN_name.sql` file, in name order.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for name in EmbeddedFiles.names(withSuffix: ".sql") {
            guard let sql = EmbeddedFiles.data(named: name).map({ String(decoding: $0, as: UTF8.self) }) else {
                continue
            }
            migrator.registerMigration(String(name.dropLast(4))) { db in try db.execute(sql: sql) }
        }
        return migrator
    }

    /// Names of the applied migrations, oldest first.
    public func appliedMigrations() async throws -> [String] {
        try await read { db in try Self.migrator.appliedMigrations(db) }
    }

    /// `PRAGMA integrity_check` says "ok".
    public func integrityCheck() async throws -> Bool {
        try await read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") == "ok" }
    }

    /// Refreshes the statistics SQLite's query planner chooses indexes by (`ANALYZE`, sampling at most ~1000 rows
    /// per index so it stays quick on large archives). Without them a selective filter (one input image among
    /// 100,000 generations) may be planned as a scan. Run at startup and after large imports.
    public func refreshPlannerStatistics() async throws {
        try await write { db in
            try db.execute(sql: "PRAGMA analysis_limit = 1000")
            try db.execute(sql: "ANALYZE")
        }
    }

    /// True when the database answers a trivial query.
    public func isReachable() async -> Bool {
        (try? await read { db in try Int.fetchOne(db, sql: "SELECT 1") }) == 1
    }
}

extension AppDatabase: AccessStore, CatalogueStore, GenerationStore, SearchStore, ImportStore, ShareStore,
    SubmissionStore, PollingStore, WebhookStore, FileStore, DerivedFileStore, EndpointStore, OperationsStore
{}
