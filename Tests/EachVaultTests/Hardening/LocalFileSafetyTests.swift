@testable import Storage
import Blobs
import EachLabs
import Foundation
import TestSupport
import Testing
import VaultContract
import VaultRuntime
@testable import Workers

/// Inline files are stored so that nothing collects them mid-flight, and a dry run stores nothing at all.
@Suite(.timeLimit(.minutes(5))) struct LocalFileSafetyTests {
    static let model = "pixverse-v5-6-image-to-video"

    private static func dataURI(_ harness: Harness) async throws -> String {
        let png = try #require(try await EmbeddedFilesProbe.samplePNG(harness))
        return "data:image/png;base64," + png.base64EncodedString()
    }

    @Test func aDryRunWithAnInlineFileStoresNothingAndSendsNothing() async throws {
        try await withHarness { harness in
            let plan = try await harness.client.planGeneration(
                GenerationRequest(
                    model: Self.model, input: ["prompt": "a dry run", "image_url": .string(try await Self.dataURI(harness))]))
            #expect(plan.valid)
            await #expect(try harness.vault.store.allAssets().isEmpty)
            let stored = try FileManager.default.subpathsOfDirectory(atPath: harness.vault.blobs.folder.folder.path)
            #expect(!stored.contains { $0.count > 60 }, "\(stored)")
            #expect(await harness.simulator.stats().presigns == 0)
        }
    }

    /// The blob an inline file is stored as is the team's until its generation references it: a collection during
    /// the provider upload (which takes a while) must not delete it, even when the same bytes were stored long ago.
    @Test func aCollectionDuringTheProviderUploadKeepsTheInlineFile() async throws {
        try await withHarness { harness in
            let vault = harness.vault
            let schema = try await vault.model(slug: Self.model).requestSchema
            let input: [String: JSONValue] = ["prompt": "gc race", "image_url": .string(try await Self.dataURI(harness))]
            let resolved = try await vault.resolveLocalFiles(input, schema: schema, teamID: harness.team.id, upload: true)
            let sha256 = try #require(resolved.storedFiles.values.first)
            // No generation holds it yet; collect as if a year had passed since it was stored.
            let report = try await vault.blobs.collectGarbage(vault.store, now: Date().addingTimeInterval(3600 * 2))
            #expect(report.blobs == 0)
            #expect(await vault.blobs.contains(sha256))
            await #expect(try vault.store.asset(sha256: sha256, teamID: harness.team.id) != nil)
        }
    }

    @Test func abandonedUploadTempFilesAreSwept() async throws {
        let directory = try TempDirectory()
        let blobs = try BlobStore(home: directory.url)
        for name in ["upload-dead", "inline-dead", "gen_x-0"] {
            _ = FileManager.default.createFile(atPath: blobs.partialFile(for: name).path, contents: Data([1]))
        }
        let removed = blobs.sweepTempFiles(
            olderThan: 3600, prefixes: Vault.abandonedTempPrefixes,
            now: Date().addingTimeInterval(7200))
        #expect(removed == 2)
        #expect(FileManager.default.fileExists(atPath: blobs.partialFile(for: "gen_x-0").path))
    }
}
