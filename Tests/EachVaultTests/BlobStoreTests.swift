@testable import Storage
import Blobs
import Crypto
import Foundation
import GRDB
@testable import StoreSQLite
import TestSupport
import Testing
import Transport

@Suite(.timeLimit(.minutes(5))) struct BlobStoreTests {
    let home: TempDirectory
    let store: BlobStore

    init() throws {
        home = try TempDirectory()
        store = try BlobStore(home: home.url)
    }

    /// Writes bytes through a `FileSink` into a fresh temp file, as the downloader does.
    private func stage(_ bytes: [UInt8]) throws -> (URL, String) {
        let temp = store.partialFile(for: UUID().uuidString)
        let sink = try FileSink(appendingTo: temp)
        try bytes.withUnsafeBytes { try sink.write($0) }
        return (temp, try sink.finish())
    }

    @Test func migrationsAreAppliedInOrderRecordedAndNotRepeated() async throws {
        let path = home.url.appending(path: "db.sqlite").path
        let applied = try await AppDatabase(path: path).appliedMigrations()
        #expect(
            applied == [
                "0001_initial", "0002_webhooks", "0003_teams", "0004_sessions", "0005_request_keys",
                "0006_notes_and_search", "0007_lineage_uploads_imports", "0008_hardening",
                "0009_queues_by_team", "0010_blob_deletions", "0011_fewer_write_indexes", "0012_scrub", "0013_outgoing_webhooks",
                "0014_search_facets", "0015_archive_identity", "0016_posters",
                "0017_made_from", "0018_previews", "0019_uploads_per_team", "0020_poster_turns", "0021_team_budgets",
                "0022_favourites", "0023_collections",
            ])
        // Opening again applies nothing twice (a repeated ALTER TABLE would throw) and keeps the record.
        await #expect(try AppDatabase(path: path).appliedMigrations() == applied)
        await #expect(try AppDatabase(path: path).integrityCheck())
    }

    @Test func anArchiveFromBeforePreviewsKeepsItsPostersAndQueuesAPreviewOfEachVideo() async throws {
        let path = home.url.appending(path: "old.sqlite").path
        let (video, image, poster) = (String(repeating: "a", count: 64), String(repeating: "b", count: 64), String(repeating: "c", count: 64))
        do {
            let queue = try DatabaseQueue(path: path)
            try AppDatabase.migrator.migrate(queue, upTo: "0017_made_from")
            try await queue.write { db in
                for (sha256, type) in [(video, "video/mp4"), (image, "image/png"), (poster, "image/jpeg")] {
                    try db.execute(
                        sql: "INSERT INTO assets (sha256, size, content_type, stored_at) VALUES (?, 1, ?, 1)",
                        arguments: [sha256, type])
                }
                // The video's poster made, the image's waiting.
                try db.execute(
                    sql: """
                        INSERT INTO derived_files (source_sha256, kind, sha256, changed_at)
                        VALUES (?, 'poster', ?, 1), (?, 'poster', NULL, 1)
                        """, arguments: [video, poster, image])
            }
        }
        let database = try AppDatabase(path: path)
        #expect(try await database.appliedMigrations().contains("0018_previews"))
        #expect(try await database.derivedFiles(.poster, of: [video])[video]?.sha256 == poster, "kept")
        let due = try await database.dueDerivedFiles(now: Date(), limit: 10)
        #expect(Set(due.map(\.key)) == ["\(image):poster", "\(video):preview"], "the image's poster, the video's preview")
        #expect(try await database.integrityCheck())
    }

    @Test func commitMovesTheFileToItsContentAddress() async throws {
        let bytes = Array("some video bytes".utf8)
        let (temp, sha256) = try stage(bytes)
        #expect(sha256 == SHA256.hash(data: bytes).lowercaseHex)
        try await store.commit(tempFile: temp, sha256: sha256)
        let stored = store.fileURL(for: sha256)
        #expect(stored.path.hasSuffix("blobs/\(sha256.prefix(2))/\(sha256.dropFirst(2).prefix(2))/\(sha256)"))
        #expect(try Data(contentsOf: stored) == Data(bytes))
        #expect(!FileManager.default.fileExists(atPath: temp.path))
    }

    @Test func identicalBytesAreStoredOnce() async throws {
        let bytes = [UInt8](repeating: 42, count: 10_000)
        let (first, sha256) = try stage(bytes)
        try await store.commit(tempFile: first, sha256: sha256)
        let (second, again) = try stage(bytes)
        #expect(again == sha256)
        try await store.commit(tempFile: second, sha256: again)
        #expect(!FileManager.default.fileExists(atPath: second.path))
        let files =
            FileManager.default.enumerator(at: store.folder.folder, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter { !$0.hasDirectoryPath } ?? []
        #expect(files.count == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.tempDirectory.path).isEmpty)
    }

    /// A fetched file waiting for the store is trusted while it is as it was noted, and only then.
    @Test func aFetchedFileIsTrustedUntilItChanges() throws {
        let bytes = Array("a fetched video".utf8)
        let (temp, sha256) = try stage(bytes)
        let asset = Asset(
            sha256: sha256, size: Int64(bytes.count), contentType: "video/mp4", durationS: nil, width: nil, height: nil,
            videoCodec: nil, hasAudio: nil, storedAt: Date())
        try store.rememberFetched(asset, in: temp)
        #expect(store.fetchedAsset(in: temp) == asset)
        #expect(store.fetchedAsset(in: temp) == asset, "asked again, still there")
        // Edited in place, same size: the modification time tells (set apart explicitly: the file system's clock
        // may not move between two quick writes).
        let edit = try FileHandle(forWritingTo: temp)
        try edit.write(contentsOf: Data("A".utf8))
        try edit.close()
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3600)], ofItemAtPath: temp.path)
        #expect(store.fetchedAsset(in: temp) == nil, "a file edited in place is fetched again")
        try store.rememberFetched(asset, in: temp)
        let handle = try FileHandle(forWritingTo: temp)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data([0]))
        try handle.close()
        #expect(store.fetchedAsset(in: temp) == nil, "a file that grew is fetched again")
        try store.rememberFetched(asset, in: temp)
        #expect(store.fetchedAsset(in: temp) == nil, "noted at a size that is not the asset's")
        store.forgetFetched(temp)
        #expect(!FileManager.default.fileExists(atPath: temp.appendingPathExtension("asset").path))
    }

    @Test func aResumedSinkHashesTheKeptPrefix() async throws {
        let bytes = Array((0..<100_000).map { UInt8($0 % 251) })
        let temp = store.partialFile(for: UUID().uuidString)
        try Data(bytes.prefix(40_000)).write(to: temp)
        let sink = try FileSink(appendingTo: temp)
        #expect(sink.keptPrefix > 0 && sink.keptPrefix <= 40_000)  // with direct I/O, cut to whole blocks
        try bytes.dropFirst(Int(sink.keptPrefix)).withUnsafeBytes { try sink.write($0) }
        #expect(try sink.finish() == SHA256.hash(data: bytes).lowercaseHex)
        #expect(sink.byteCount == 100_000)
    }

    @Test func verificationFindsMissingAndCorruptBlobs() async throws {
        var assets: [Asset] = []
        for text in ["one", "two", "three"] {
            let (temp, sha256) = try stage(Array(text.utf8))
            try await store.commit(tempFile: temp, sha256: sha256)
            assets.append(
                Asset(
                    sha256: sha256, size: Int64(text.utf8.count), contentType: "video/mp4",
                    durationS: nil, width: nil, height: nil, videoCodec: nil, hasAudio: nil,
                    storedAt: Date()))
        }
        #expect(await store.verify(assets).isClean)
        try FileManager.default.removeItem(at: store.fileURL(for: assets[0].sha256))
        try Data("tampered".utf8).write(to: store.fileURL(for: assets[1].sha256))
        let report = await store.verify(assets)
        #expect(report.missing == [assets[0].sha256])
        #expect(report.corrupt == [assets[1].sha256])
        #expect(report.checked == 3 && !report.isClean)
    }

    @Test func oldTempFilesAreSwept() async throws {
        let stale = store.partialFile(for: UUID().uuidString)
        try Data("partial".utf8).write(to: stale)
        let fresh = store.partialFile(for: UUID().uuidString)
        try Data("in progress".utf8).write(to: fresh)
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSinceNow: -2 * 86400)],
            ofItemAtPath: stale.path)
        #expect(store.sweepTempFiles(olderThan: 86400) == 1)
        #expect(!FileManager.default.fileExists(atPath: stale.path))
        #expect(FileManager.default.fileExists(atPath: fresh.path))
    }
}
