import Blobs
import Foundation
import ObjectStorage
import Storage
import StoreSQLite

/// What `backUp` or `restore` copied.
public struct BackupReport: Sendable {
    public var generations = 0
    public var blobs = BlobCopyReport()
}

/// A backup folder: `eachvault.sqlite` (a consistent copy made while the service runs), `blobs/ab/cd/<sha256>` (the
/// blobs that copy references, each copied once: later runs copy only new ones) and `manifest.tsv` (every blob's
/// digest and size, for people and scripts).
public struct ArchiveBackup: Sendable {
    public let folder: URL
    public var databasePath: String { folder.appending(path: "eachvault.sqlite").path }
    public var blobs: URL { folder.appending(path: "blobs") }

    public init(folder: URL) { self.folder = folder }

    /// Copies `database` (SQLite's online backup: one consistent snapshot, writers carry on) and the blobs it
    /// references from `store`, re-hashed on the way.
    public func backUp(_ database: AppDatabase, blobs store: BlobStore) async throws -> BackupReport {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let partial = databasePath + ".partial"
        try? FileManager.default.removeItem(atPath: partial)
        try database.backUp(toPath: partial)
        guard rename(partial, databasePath) == 0 else { throw BackupError("cannot move the copy into place") }
        return try await copyBlobs(of: try AppDatabase(path: databasePath), from: store, to: folderStore())
    }

    /// Brings the backup back as the database at `databasePath` and the blobs in `store` (any backend), every blob
    /// re-hashed. Refuses to overwrite an existing database.
    public func restore(toDatabase path: String, blobs store: BlobStore) async throws -> BackupReport {
        guard FileManager.default.fileExists(atPath: databasePath) else {
            throw BackupError("\(folder.path) holds no eachvault.sqlite")
        }
        guard !FileManager.default.fileExists(atPath: path) else {
            throw BackupError("\(path) already exists: restore into a new data home")
        }
        try AppDatabase(path: databasePath).backUp(toPath: path)
        return try await copyBlobs(of: try AppDatabase(path: path), from: folderStore(), to: store)
    }

    private func folderStore() throws -> BlobStore {
        try BlobStore(backend: FolderBlobs(folder: blobs), tempDirectory: folder.appending(path: "tmp"))
    }

    private func copyBlobs(of database: AppDatabase, from source: BlobStore, to destination: BlobStore) async throws
        -> BackupReport
    {
        let assets = try await database.allAssets()
        var report = BackupReport()
        report.generations = try database.generationCount()
        report.blobs = await source.copyBlobs(of: assets, to: destination)
        let manifest = assets.map { "\($0.sha256)\t\($0.size)\n" }.joined()
        try Data(manifest.utf8).write(to: folder.appending(path: "manifest.tsv"), options: .atomic)
        return report
    }
}

public struct BackupError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
