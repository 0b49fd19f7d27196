import Foundation
import Logging
import Storage
import StorePostgres
import StoreSQLite
import TestSupport

/// The two stores the archive runs on: the embedded SQLite file and PostgreSQL. Store tests take one as an
/// argument, so the same test proves the same behaviour of both.
enum StoreBackend: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, postgres

    var description: String { rawValue }

    typealias Store = ArchiveStore

    /// Runs `body` on a fresh store of this kind: an SQLite file in a temp folder, or a database of a PostgreSQL
    /// cluster of the test's own.
    func withStore<T: Sendable>(_ body: @Sendable (any Store) async throws -> T) async throws -> T {
        switch self {
        case .sqlite:
            let home = try TempDirectory()
            return try await body(AppDatabase(path: home.url.appending(path: "eachvault.sqlite").path))
        case .postgres:
            let server = try await PostgresServer.shared()
            let location = try PostgresLocation(url: try await server.database())
            var logger = Logger(label: "test.store")
            logger.logLevel = .error
            return try await PostgresArchive.open(location, logger: logger) { try await body($0) }
        }
    }
}
