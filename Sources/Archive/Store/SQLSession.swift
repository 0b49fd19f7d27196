import Foundation
import GRDB

/// One connection's statements inside a transaction, the same for SQLite and PostgreSQL: SQL with `?`
/// placeholders in the dialect both accept, values and rows as GRDB's. The archive's logic is written once against
/// it and run by either store: SQLite's (a GRDB `Database`) or PostgreSQL's (a connection driven from a blocking
/// lane).
public protocol SQLSession {
    /// Runs a statement for its effect; `changedRows` then says how many rows it changed.
    func execute(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?]) throws
    /// Every row of a statement's answer.
    func rows(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?]) throws -> [Row]
    /// The rows the last `execute` changed.
    var changedRows: Int { get }
    /// Holds the generation's row until the transaction ends, so two transactions changing one generation (two of
    /// its outputs stored at once, a poll and a webhook) take turns and each sees what the other committed. SQLite
    /// runs one write transaction at a time already; PostgreSQL locks the row.
    func lock(generation id: String) throws
    /// Holds `key` until the transaction ends, so two transactions deciding on one request (deduplicate or insert)
    /// take turns. SQLite runs one write transaction at a time already; PostgreSQL takes an advisory lock.
    func lock(request key: String) throws
}

extension SQLSession {
    package func execute(_ sql: String) throws { try execute(sql, []) }

    /// The first row of the answer, if any.
    package func row(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?] = []) throws -> Row? {
        try rows(sql, arguments).first
    }

    /// The first column of the first row (nil for no row or NULL).
    package func value<Value: DatabaseValueConvertible>(
        _ type: Value.Type, _ sql: String, _ arguments: [(any DatabaseValueConvertible)?] = []
    ) throws -> Value? {
        guard let row = try row(sql, arguments), !row.isEmpty else { return nil }
        return try row.decode(Value?.self, atIndex: 0)
    }

    /// The first column of every row.
    package func values<Value: DatabaseValueConvertible>(
        _ type: Value.Type, _ sql: String, _ arguments: [(any DatabaseValueConvertible)?] = []
    ) throws -> [Value] {
        try rows(sql, arguments).map { try $0.decode(Value.self, atIndex: 0) }
    }

    package func fetchAll<Record: FetchableRecord>(
        _ type: Record.Type, _ sql: String, _ arguments: [(any DatabaseValueConvertible)?] = []
    ) throws -> [Record] {
        try rows(sql, arguments).map { try Record(row: $0) }
    }

    package func fetchOne<Record: FetchableRecord>(
        _ type: Record.Type, _ sql: String, _ arguments: [(any DatabaseValueConvertible)?] = []
    ) throws -> Record? {
        try row(sql, arguments).map { try Record(row: $0) }
    }

    /// Inserts a record's columns (NULLs left to the column's default: an identity, or NULL); `suffix` is an
    /// optional `ON CONFLICT …` or `RETURNING …` clause, whose first row is returned.
    @discardableResult
    package func insert<Record: PersistableRecord>(_ record: Record, _ suffix: String = "") throws -> Row? {
        let columns = try record.databaseDictionary.filter { !$0.value.isNull }.sorted { $0.key < $1.key }
        let sql =
            "INSERT INTO \"\(Record.databaseTableName)\" (\(columns.map { "\"\($0.key)\"" }.joined(separator: ", ")))"
            + " VALUES (\(SQLText.marks(columns.count))) \(suffix)"
        if suffix.contains("RETURNING") { return try row(sql, columns.map(\.value)) }
        try execute(sql, columns.map(\.value))
        return nil
    }

    /// Inserts the record, or rewrites the row with its `key` (every column but those in `keeping`, which an
    /// existing row keeps). Both databases spell the upsert alike.
    package func save<Record: PersistableRecord>(_ record: Record, key: [String], keeping: [String] = []) throws {
        try save([record], key: key, keeping: keeping)
    }

    /// `save` for many records of one table, a few hundred rows per statement: a round trip each on PostgreSQL
    /// kept a catalogue sync's transaction, and the rows it locked, open for tens of seconds on a loaded host. The
    /// records' keys must be distinct (PostgreSQL refuses to upsert one row twice in a statement).
    package func save<Record: PersistableRecord>(_ records: [Record], key: [String], keeping: [String] = []) throws {
        guard let first = records.first else { return }
        let names = try first.databaseDictionary.keys.sorted()
        let assignments = names.filter { !key.contains($0) && !keeping.contains($0) }.map { "\"\($0)\" = excluded.\"\($0)\"" }
        let head = "INSERT INTO \"\(Record.databaseTableName)\" (\(names.map { "\"\($0)\"" }.joined(separator: ", "))) VALUES "
        let tail =
            " ON CONFLICT (\(key.map { "\"\($0)\"" }.joined(separator: ", ")))"
            + (assignments.isEmpty ? " DO NOTHING" : " DO UPDATE SET " + assignments.joined(separator: ", "))
        let rowMarks = "(\(SQLText.marks(names.count)))"
        let perStatement = max(1, 4_000 / max(1, names.count))  // well under either database's bound-value limit
        var start = 0
        while start < records.count {
            let chunk = records[start..<min(records.count, start + perStatement)]
            var values: [(any DatabaseValueConvertible)?] = []
            values.reserveCapacity(chunk.count * names.count)
            for record in chunk {
                let columns = try record.databaseDictionary
                for name in names { values.append(columns[name] ?? .null) }
            }
            try execute(head + Array(repeating: rowMarks, count: chunk.count).joined(separator: ", ") + tail, values)
            start += chunk.count
        }
    }

    /// Rewrites a record's row, found by the `key` columns.
    package func update<Record: PersistableRecord>(_ record: Record, key: [String]) throws {
        let columns = try record.databaseDictionary.sorted { $0.key < $1.key }
        let assigned = columns.filter { !key.contains($0.key) }
        let keyed = key.map { name in columns.first(where: { $0.key == name })?.value ?? .null }
        try execute(
            "UPDATE \"\(Record.databaseTableName)\" SET " + assigned.map { "\"\($0.key)\" = ?" }.joined(separator: ", ")
                + " WHERE " + key.map { "\"\($0)\" = ?" }.joined(separator: " AND "),
            assigned.map(\.value) + keyed)
    }

    /// Runs `body` in a savepoint: its statements are rolled back alone when it throws, the transaction goes on.
    package func savepoint<T>(_ body: () throws -> T) throws -> T {
        try execute("SAVEPOINT part")
        do {
            let result = try body()
            try execute("RELEASE SAVEPOINT part")
            return result
        } catch {
            try execute("ROLLBACK TO SAVEPOINT part")
            try execute("RELEASE SAVEPOINT part")
            throw error
        }
    }

    /// A history event of a generation.
    package func appendEvent(_ generationID: String, _ kind: String, _ detail: String?, at: Date) throws {
        try execute(
            "INSERT INTO generation_events (generation_id, at, kind, detail) VALUES (?, ?, ?, ?)",
            [generationID, at.unix, kind, detail])
    }
}

/// SQL text helpers both stores use.
package enum SQLText {
    /// `count` placeholders, comma-separated (for `IN (…)` and `VALUES (…)`).
    package static func marks(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }
}

extension Database: SQLSession {
    /// Through the connection's statement cache: prepared once per connection, not on every call.
    public func execute(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?]) throws {
        try cachedStatement(sql: sql).execute(arguments: StatementArguments(arguments))
    }

    public func rows(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?]) throws -> [Row] {
        try Row.fetchAll(cachedStatement(sql: sql), arguments: StatementArguments(arguments))
    }

    public var changedRows: Int { changesCount }

    public func lock(generation id: String) {}

    public func lock(request key: String) {}
}

/// A store whose tables are SQL, SQLite's or PostgreSQL's: the archive's logic is written once, in extensions of this
/// protocol, over the `SQLSession` each store opens for a transaction.
public protocol SQLArchive: Sendable {
    /// How this database spells what the two spell differently.
    var dialect: SQLDialect { get }
    /// Runs `work` in one read-only transaction (one snapshot for all its statements).
    func reading<T: Sendable>(_ work: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T
    /// Runs `work` in one transaction, committed when it returns. `durably`: the commit must survive a power loss,
    /// not only a crash (the intent to send a paid create).
    func writing<T: Sendable>(durably: Bool, _ work: @escaping @Sendable (any SQLSession) throws -> T) async throws
        -> T
}

extension SQLArchive {
    func writing<T: Sendable>(_ work: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T {
        try await writing(durably: false, work)
    }
}
