import ArgumentParser
import Blobs
import Foundation
import Storage
import StoreSQLite
import VaultRuntime
import Workers

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every stored blob; exit non-zero if any is missing or corrupt.",
        discussion: """
            A folder's blobs are re-hashed. An S3-compatible store's are checked by size and the store's own \
            SHA-256 of each object where it keeps one (objects sent whole); --rehash reads every byte back instead. \
            --repair fetches a missing or corrupt blob again from its output or input URL (or, when the provider's \
            URL has expired, from a fresh read of its prediction), checks its hash, and stores it again.
            """)

    @OptionGroup var home: HomeOptions
    @Flag(help: "Read back and re-hash every blob, even where the store keeps a checksum.") var rehash = false
    @Flag(help: "Fetch missing or corrupt blobs again from their source (needs EACHLABS_API_KEY for expired URLs).")
    var repair = false

    func run() async throws {
        try await home.withStore { store, configuration in try await verify(VaultApp.makeVault(configuration, store: store)) }
    }

    private func verify(_ vault: Vault) async throws {
        let report = try await vault.blobs.verify(vault.store.allAssets(), rehash: rehash)
        for sha256 in report.missing { print("missing  \(sha256)") }
        for sha256 in report.corrupt { print("corrupt  \(sha256)") }
        for sha256 in report.unreadable { print("unreadable  \(sha256)") }
        print(
            "\(report.checked) blob(s) checked, \(report.bytes) bytes intact, \(report.missing.count) missing, "
                + "\(report.corrupt.count) corrupt, \(report.unreadable.count) unreadable")
        guard !report.isClean else { return }
        guard repair else { throw ExitCode(1) }
        let repaired = await vault.repair(report.missing + report.corrupt)
        for sha256 in repaired.repaired { print("repaired  \(sha256)") }
        for failure in repaired.unrepaired { print("not repaired  \(failure.sha256): \(failure.reason)") }
        print("\(repaired.repaired.count) repaired, \(repaired.unrepaired.count) not")
        if !repaired.unrepaired.isEmpty || !report.unreadable.isEmpty { throw ExitCode(1) }
    }
}

struct GCCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc",
        abstract: "Remove blobs no generation of any team references, unrecorded blobs, and day-old temp files.")
    @OptionGroup var home: HomeOptions

    func run() async throws {
        let report = try await home.withStore { store, configuration in
            try await configuration.openBlobStore().collectGarbage(store)
        }
        print(
            "removed \(report.blobs) blob(s) and \(report.unrecorded) unrecorded one(s), \(report.bytes) bytes, "
                + "\(report.tempFiles) stale temp file(s) and \(report.abandonedUploads) abandoned upload(s)")
    }
}

struct MigrateBlobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate-blobs",
        abstract: "Copy every blob from the configured store to another (a folder or s3://bucket/prefix).",
        discussion: """
            Each blob is re-hashed on the way and verified by the destination; blobs already there are skipped, so \
            an interrupted copy resumes. Safe while the service runs: copy, point EACHVAULT_BLOB_STORE at the \
            destination and restart, then copy again to pick up what was stored in between. Nothing is removed \
            from the source.
            """)
    @OptionGroup var home: HomeOptions
    @Option(help: "The destination: a folder path or s3://bucket/prefix (AWS variables as for EACHVAULT_BLOB_STORE).")
    var to: String

    func run() async throws {
        let configuration = try home.configuration()
        let destination = try BlobStoreLocation(parsing: to, environment: ProcessInfo.processInfo.environment)
        let source = try configuration.openBlobStore()
        let assets = try await home.withStore { store, _ in try await store.allAssets() }
        print("copying from \(configuration.blobStore) to \(destination)")
        let report = await source.copyBlobs(of: assets, to: try configuration.openBlobStore(destination))
        for failure in report.failed { print("failed  \(failure.sha256): \(failure.reason)") }
        print(
            "\(report.copied) blob(s) copied (\(report.bytes) bytes), \(report.alreadyThere) already there, "
                + "\(report.failed.count) failed")
        if !report.failed.isEmpty { throw ExitCode(1) }
    }
}

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the archive to a folder while the service runs: a consistent database, new blobs only.",
        discussion: """
            DEST gets eachvault.sqlite (SQLite's online backup: one consistent snapshot), blobs/ (those the \
            snapshot references, re-hashed; blobs already there are not copied again) and manifest.tsv. Run it \
            again into the same folder to bring it up to date.
            """)
    @OptionGroup var home: HomeOptions
    @Argument(help: "The backup folder.") var destination: String

    func run() async throws {
        let configuration = try home.configuration()
        let database = try configuration.requireSQLite(
            for: "backup", instead: "back PostgreSQL up with pg_dump and the object store with its own tools")
        let report = try await ArchiveBackup(folder: URL(fileURLWithPath: destination)).backUp(
            database, blobs: configuration.openBlobStore())
        try print(report, verb: "backed up")
    }
}

struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Bring a backup back into a new data home (--home), every blob re-hashed.")
    @OptionGroup var home: HomeOptions
    @Argument(help: "The backup folder.") var source: String

    func run() async throws {
        let configuration = try home.configuration()
        try configuration.refuseUnlessSQLite(
            for: "restore", instead: "restore PostgreSQL with pg_restore, then move the archive with migrate-blobs")
        // Checked before anything is opened or created: an archive already there is left exactly as it was.
        guard !FileManager.default.fileExists(atPath: configuration.databasePath) else {
            throw ValidationError(
                "\(configuration.databasePath) already exists: restore into a new data home (--home), "
                    + "or move that archive away first")
        }
        let report = try await ArchiveBackup(folder: URL(fileURLWithPath: source)).restore(
            toDatabase: configuration.databasePath, blobs: configuration.openBlobStore())
        try print(report, verb: "restored")
    }
}

/// Prints what a backup or restore did; exit 1 when a blob could not be copied.
private func print(_ report: BackupReport, verb: String) throws {
    for failure in report.blobs.failed { Swift.print("failed  \(failure.sha256): \(failure.reason)") }
    Swift.print(
        "\(verb) \(report.generations) generation(s); \(report.blobs.copied) blob(s) copied "
            + "(\(report.blobs.bytes) bytes), \(report.blobs.alreadyThere) already there, \(report.blobs.failed.count) failed")
    if !report.blobs.failed.isEmpty { throw ExitCode(1) }
}
