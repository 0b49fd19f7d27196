import Foundation
import Logging
import ServiceLifecycle
import Storage
import StorePostgres
import StoreSQLite

/// The archive's store as configured, open: PostgreSQL when `EACHVAULT_DATABASE_URL` names one, else the data
/// home's SQLite file.
public struct OpenedStore: Sendable {
    public let store: any ArchiveStore
    /// Closes what the store holds open (PostgreSQL's pool); nothing for SQLite.
    public let close: @Sendable () -> Void
    /// The SQLite database, for what only it has (online backups).
    public var sqlite: AppDatabase? { store as? AppDatabase }
}

extension VaultConfiguration {
    public func openStore(logger: Logger) async throws -> OpenedStore {
        if let databaseURL {
            let archive = try await PostgresArchive.connect(
                try PostgresLocation(url: databaseURL), instanceID: instanceID, logger: logger)
            return OpenedStore(store: archive, close: { archive.close() })
        }
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        return OpenedStore(store: try AppDatabase(path: databasePath), close: {})
    }

    /// Refuses a command that works on the SQLite file only when the archive lives in PostgreSQL.
    public func requireSQLite(for command: String, instead: String) throws -> AppDatabase {
        try refuseUnlessSQLite(for: command, instead: instead)
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        return try AppDatabase(path: databasePath)
    }
}

extension VaultConfiguration {
    /// Refuses a command that works on the embedded SQLite archive when `EACHVAULT_DATABASE_URL` names PostgreSQL.
    public func refuseUnlessSQLite(for command: String, instead: String) throws {
        guard databaseURL == nil else {
            throw ConfigurationError.invalid(
                "\(command) works on the embedded SQLite archive; EACHVAULT_DATABASE_URL names PostgreSQL: \(instead)")
        }
    }
}

/// Closes the store when the service shuts down, after the workers that use it.
struct StoreClosing: Service {
    let opened: OpenedStore

    func run() async throws {
        try? await gracefulShutdown()
        opened.close()
    }
}
