import ArgumentParser
import Foundation
import Logging
import Storage
import StorePostgres
import StoreSQLite

struct MigrateDatabaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate-database",
        abstract: "Copy the SQLite archive into PostgreSQL (postgres://user:password@host:5432/database).",
        discussion: """
            Creates or updates PostgreSQL's schema (migrations/postgres, under a lock), copies every table in \
            batches (rows already there are updated, rows since deleted from the archive are deleted there too), \
            then compares each table's row count and content digest on both sides and exits 1 if any differs. \
            Run it while the service runs to move the bulk, then once more with the service stopped: that pass \
            is quick and its verification is final. Blobs move with migrate-blobs. The URL may also come from \
            EACHVAULT_DATABASE_URL; its password is never printed.
            """)
    @OptionGroup var home: HomeOptions
    @Option(help: "The PostgreSQL database (default: EACHVAULT_DATABASE_URL).") var to: String?
    @Flag(help: "Copy even when PostgreSQL changed since the last copy (instances served from it; their rows are lost).")
    var force = false

    func run() async throws {
        let configuration = try home.configuration()
        guard let url = to ?? ProcessInfo.processInfo.environment["EACHVAULT_DATABASE_URL"] else {
            throw ValidationError("name the PostgreSQL database with --to postgres://… or EACHVAULT_DATABASE_URL")
        }
        let location = try PostgresLocation(url: url)
        let source = try AppDatabase(path: configuration.databasePath)
        var logger = Logger(label: "eachvault.migrate-database")
        logger.logLevel = .error
        print("copying \(configuration.databasePath) into \(location)")
        let reports = try await PostgresArchive.open(location, logger: logger) { target in
            try await DatabaseCopy.run(from: source, to: target, force: force) { print($0) }
        }
        for report in reports {
            print(
                "\(report.matches ? "verified" : "DIFFERS ") \(report.table): \(report.rows) rows, digest \(report.digest)"
                    + (report.removed > 0 ? ", \(report.removed) removed" : ""))
        }
        let differing = reports.filter { !$0.matches }
        guard differing.isEmpty else {
            print(
                "\(differing.count) table(s) differ: the archive changed during the copy. Stop the service and run "
                    + "migrate-database again.")
            throw ExitCode(1)
        }
        print("every table verified: \(reports.map(\.rows).reduce(0, +)) rows")
    }
}
