import Blobs
import Foundation
import Storage
import StoreSQLite
import TestSupport
import Testing
import VaultContract
import VaultRuntime

/// `eachvault backup` and `restore`: a consistent copy taken while generations keep arriving, brought back into a
/// new data home with every generation and every byte, and a second backup that copies only what is new.
@Suite(.timeLimit(.minutes(5))) struct BackupTests {
    @Test func aBackupTakenUnderLoadRestoresEveryGenerationAndByte() async throws {
        try await withHarness { harness in
            func generate(_ prompt: String) async throws -> String {
                try await harness.client.createGeneration(
                    GenerationRequest(model: "pixverse-v5-6-text-to-video", input: ["prompt": .string(prompt)])
                ).id
            }
            var ids: [String] = []
            for take in 0..<3 { ids.append(try await generate("archived before the backup, take \(take)")) }
            _ = try await harness.waitUntilFinal(ids)
            let work = try TempDirectory()
            let backup = ArchiveBackup(folder: work.url.appending(path: "backup"))

            // Requests keep coming while the backup runs.
            let load = Task { try await (0..<8).asyncMap { try await generate("arriving during the backup, take \($0)") } }
            let first = try await backup.backUp(harness.sqlite, blobs: harness.vault.blobs)
            ids += try await load.value
            #expect(first.blobs.failed.isEmpty && first.blobs.copied >= 3 && first.generations >= 3)

            // Once everything has settled, the next run copies only the new blobs.
            _ = try await harness.waitUntilFinal(ids)
            let assets = try await harness.vault.store.allAssets()
            let second = try await backup.backUp(harness.sqlite, blobs: harness.vault.blobs)
            #expect(second.blobs.failed.isEmpty && second.generations == ids.count)
            #expect(second.blobs.alreadyThere == first.blobs.copied && second.blobs.copied == assets.count - first.blobs.copied)
            let manifest = try String(contentsOf: backup.folder.appending(path: "manifest.tsv"), encoding: .utf8)
            #expect(manifest.split(separator: "\n").count == assets.count)

            let home = try TempDirectory()
            let store = try BlobStore(home: home.url)
            let databasePath = home.url.appending(path: "eachvault.sqlite").path
            let restored = try await backup.restore(toDatabase: databasePath, blobs: store)
            #expect(restored.blobs.failed.isEmpty && restored.blobs.copied == assets.count && restored.generations == ids.count)
            let database = try AppDatabase(path: databasePath)
            let original = try await ids.asyncMap { try #require(try await harness.vault.store.generation(id: $0)) }
            let copies = try await ids.asyncMap { try #require(try await database.generation(id: $0)) }
            #expect(copies.map(\.status) == original.map(\.status) && copies.map(\.prompt) == original.map(\.prompt))
            await #expect(try database.allAssets().map(\.sha256) == assets.map(\.sha256))
            #expect(await store.verify(try database.allAssets()).isClean)
            await #expect(try database.integrityCheck())
            // A restore never overwrites an archive.
            await #expect(throws: BackupError.self) { try await backup.restore(toDatabase: databasePath, blobs: store) }
        }
    }
}
