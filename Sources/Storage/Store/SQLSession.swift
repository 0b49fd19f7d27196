import Foundation

/// One connection's statements inside a transaction, the same for SQLite and PostgreSQL: SQL in the dialect both
/// accept, with values bound where they are written (`SQLText`), rows as `SQLRow`s. The archive's logic is written
/// once against it and run by either store: SQLite's (a GRDB `Database`) or PostgreSQL's (a connection driven from a
/// blocking lane).
public protocol SQLSession {
    /// Runs a statement for its effect; `changedRows` then says how many rows it changed.
    func execute(_ sql: SQLText) throws
    /// Every row of a statement's answer.
    func rows(_ sql: SQLText) throws -> [SQLRow]
    /// The rows the last `execute` changed.
    var changedRows: Int { get }
    /// Holds the generation's row until the transaction ends, so two transactions changing one generation (two of
    /// its outputs stored at once, a poll and a webhook) take turns and each sees what the other committed. SQLite
    /// runs one write transaction at a time already; PostgreSQL locks the row.
    func lock(generation id: String) throws
    /// The generation `id`, its row held as `lock(generation:)` holds it, in one statement (a poll, a webhook and a
    /// create each read the generation they change this way).
    func lockedGeneration(id: String) throws -> Generation?
    /// Holds `key` until the transaction ends, so two transactions deciding on one request (deduplicate or insert)
    /// take turns. SQLite runs one write transaction at a time already; PostgreSQL takes an advisory lock.
    func lock(request key: String) throws
}

extension SQLSession {
    /// The first row of the answer, if any.
    package func row(_ sql: SQLText) throws -> SQLRow? {
        try rows(sql).first
    }

    /// The first column of the first row (nil for no row or NULL).
    package func value<Value: SQLValueConvertible>(_ type: Value.Type, _ sql: SQLText) throws -> Value? {
        guard let row = try row(sql), !row.isEmpty else { return nil }
        return try row[0] as Value?
    }

    /// The first column of every row.
    package func values<Value: SQLValueConvertible>(_ type: Value.Type, _ sql: SQLText) throws -> [Value] {
        try rows(sql).map { try $0[0] }
    }

    package func fetchAll<Record: SQLRecord>(_ type: Record.Type, _ sql: SQLText) throws -> [Record] {
        try rows(sql).map { try Record(row: $0) }
    }

    package func fetchOne<Record: SQLRecord>(_ type: Record.Type, _ sql: SQLText) throws -> Record? {
        try row(sql).map { try Record(row: $0) }
    }

    /// Inserts a record's columns (NULLs left to the column's default: an identity, or NULL); `suffix` is an
    /// optional `ON CONFLICT …` or `RETURNING …` clause, whose first row is returned.
    @discardableResult
    package func insert<Record: SQLRecord>(_ record: Record, _ suffix: SQLText = "") throws -> SQLRow? {
        let columns = try record.columnValues().filter { $0.value != .null }
        let sql: SQLText =
            "INSERT INTO \(raw: Record.tableName) (\(raw: Self.names(columns.map(\.name))))"
            + " VALUES (\(SQLText.list(columns.map(\.value)))) \(suffix)"
        return try rows(sql).first
    }

    /// Inserts the record, or rewrites the row with its `key` (every column but those in `keeping`, which an
    /// existing row keeps). Both databases spell the upsert alike.
    package func save<Record: SQLRecord>(_ record: Record, key: [String], keeping: [String] = []) throws {
        try save([record], key: key, keeping: keeping)
    }

    /// `save` for many records of one table, a few hundred rows per statement: a round trip each on PostgreSQL
    /// kept a catalogue sync's transaction, and the rows it locked, open for tens of seconds on a loaded host. The
    /// records' keys must be distinct (PostgreSQL refuses to upsert one row twice in a statement).
    package func save<Record: SQLRecord>(_ records: [Record], key: [String], keeping: [String] = []) throws {
        let encoded = try records.map { try $0.columnValues() }  // each record once
        guard let names = encoded.first?.map(\.name) else { return }
        let assignments = names.filter { !key.contains($0) && !keeping.contains($0) }.map { "\"\($0)\" = excluded.\"\($0)\"" }
        let head: SQLText = "INSERT INTO \(raw: Record.tableName) (\(raw: Self.names(names))) VALUES "
        let tail: SQLText =
            " ON CONFLICT (\(raw: Self.names(key)))"
            + SQLText(raw: assignments.isEmpty ? " DO NOTHING" : " DO UPDATE SET " + assignments.joined(separator: ", "))
        let perStatement = max(1, 4_000 / max(1, names.count))  // well under either database's bound-value limit
        var start = 0
        while start < encoded.count {
            let chunk = encoded[start..<min(encoded.count, start + perStatement)]
            let rows = try chunk.map { values -> SQLText in
                guard values.map(\.name) == names else { throw SQLDecodingError.missingColumn(names.joined(separator: ",")) }
                return "(\(SQLText.list(values.map(\.value))))"
            }
            try execute(head + rows.joined(separator: ", ") + tail)
            start += chunk.count
        }
    }

    /// Rewrites a record's row, found by the `key` columns.
    package func update<Record: SQLRecord>(_ record: Record, key: [String]) throws {
        let columns = try record.columnValues()
        try update(Record.tableName, columns.filter { !key.contains($0.name) }, key: columns.filter { key.contains($0.name) })
    }

    /// `UPDATE table SET column = value, … WHERE keyColumn = value AND …`.
    package func update(
        _ table: String, _ assigned: [(name: String, value: SQLValue)], key: [(name: String, value: SQLValue)]
    ) throws {
        guard !assigned.isEmpty else { return }
        let assignments = assigned.map { "\(raw: Self.names([$0.name])) = \($0.value)" as SQLText }
        let conditions = key.map { "\(raw: Self.names([$0.name])) = \($0.value)" as SQLText }
        try execute(
            "UPDATE \(raw: table) SET \(assignments.joined(separator: ", ")) WHERE \(conditions.joined(separator: " AND "))")
    }

    /// Column names, quoted and comma-separated (both databases quote alike).
    private static func names(_ names: [String]) -> String {
        names.map { "\"\($0)\"" }.joined(separator: ", ")
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
            "INSERT INTO generation_events (generation_id, at, kind, detail) VALUES (\(generationID), \(at), \(kind), \(detail))"
        )
    }
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
