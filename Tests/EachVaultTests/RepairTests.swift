import Crypto
import Foundation
import Storage
import Testing
import VaultContract
@testable import Workers
import TestSupport

/// `eachvault verify --repair`: missing and corrupt blobs fetched again from their sources and checked; a blob with
/// no source (an upload) reported, never invented.
@Suite(.timeLimit(.minutes(5))) struct RepairTests {
    @Test func missingAndCorruptBlobsAreFetchedAgainAndUploadsAreReported() async throws {
        try await withHarness { harness in
            var ids: [String] = []
            for prompt in ["a lighthouse to lose", "a lighthouse to spoil"] {
                ids.append(
                    try await harness.client.createGeneration(
                        GenerationRequest(model: "pixverse-v5-6-text-to-video", input: ["prompt": .string(prompt)])
                    ).id)
            }
            _ = try await harness.waitUntilFinal(ids)
            let lost = try #require(try await harness.client.generation(id: ids[0]).assets.first)
            let spoiled = try #require(try await harness.client.generation(id: ids[1]).assets.first)
            let uploadBytes = Data("an uploaded file with no source to fetch again".utf8)
            let staged = harness.vault.blobs.partialFile(for: "upload-test")
            try uploadBytes.write(to: staged)
            let upload = try await harness.vault.storeLocalFile(
                staged, sha256: SHA256.hash(data: uploadBytes).lowercaseHex, size: Int64(uploadBytes.count),
                teamID: harness.team.id)

            try FileManager.default.removeItem(at: harness.vault.blobs.fileURL(for: lost.sha256))
            try Data(repeating: 0, count: Int(spoiled.size)).write(to: harness.vault.blobs.fileURL(for: spoiled.sha256))
            try FileManager.default.removeItem(at: harness.vault.blobs.fileURL(for: upload.sha256))
            let damaged = try await harness.vault.blobs.verify(harness.vault.store.allAssets())
            #expect(Set(damaged.missing) == [lost.sha256, upload.sha256] && damaged.corrupt == [spoiled.sha256])

            let report = await harness.vault.repair(damaged.missing + damaged.corrupt)
            #expect(Set(report.repaired) == [lost.sha256, spoiled.sha256])
            #expect(report.unrepaired.map(\.sha256) == [upload.sha256])
            #expect(report.unrepaired.first?.reason.contains("no known source") == true)
            let after = try await harness.vault.blobs.verify(harness.vault.store.allAssets())
            #expect(after.missing == [upload.sha256] && after.corrupt.isEmpty)
        }
    }

    @Test func theScrubWalksTheArchiveRepairingWhatIsDamagedAndResumesWhereItWas() async throws {
        try await withHarness { harness in
            var ids: [String] = []
            for prompt in ["a scrubbed harbour", "a scrubbed field"] {
                ids.append(
                    try await harness.client.createGeneration(
                        GenerationRequest(model: "pixverse-v5-6-text-to-video", input: ["prompt": .string(prompt)])
                    ).id)
            }
            _ = try await harness.waitUntilFinal(ids)
            let assets = try await harness.vault.store.allAssets()  // in digest order, as the scrub walks
            try Data(repeating: 7, count: Int(assets[1].size)).write(to: harness.vault.blobs.fileURL(for: assets[1].sha256))
            #expect(await harness.vault.scrubNextBlob() == .intact)
            #expect(await harness.vault.scrubNextBlob() == .repaired)
            #expect(await harness.vault.blobs.verify(assets).isClean)
            // Round the archive again from the start.
            #expect(await harness.vault.scrubNextBlob() == .intact)
            await #expect(try harness.vault.store.nextAssetToScrub(now: Date())?.sha256 == assets[1].sha256)
        }
    }
}
