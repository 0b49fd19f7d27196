import Foundation
import Storage
import TestSupport
import VaultAPIClient
import Testing
import VaultContract
import VaultRuntime
import Workers

/// Teams see only their own: every endpoint and verb answers a foreign id exactly like a missing one.
@Suite(.timeLimit(.minutes(5))) struct TeamsTests {
    @Test(arguments: StoreBackend.allCases)
    func everyEndpointAnswersForeignIdsLikeMissingOnes(_ backend: StoreBackend) async throws {
        try await withHarness(backend: backend) { harness in
            let (_, otherToken, other) = try await harness.makeTeam("team-b")
            let mine = try await harness.client.createGeneration(
                GenerationRequest(
                    model: "pixverse-v5-6-text-to-video", input: ["prompt": "private lighthouse footage"], tags: ["secret"]))
            _ = try await harness.waitUntilFinal([mine.id])
            let sha = try #require(try await harness.client.generation(id: mine.id).assets.first?.sha256)
            let missingID = "gen_doesnotexist0000000000000000"
            let missingSHA = String(repeating: "0", count: 64)

            let probes: [(String, String, String)] = [
                ("GET", "/v1/generations/", ""), ("DELETE", "/v1/generations/", ""),
                ("POST", "/v1/generations/", "/share"), ("GET", "/v1/files/", ""), ("HEAD", "/v1/files/", ""),
            ]
            for (method, prefix, suffix) in probes {
                let isFile = prefix.contains("files")
                let foreign = try await harness.raw(method, prefix + (isFile ? sha : mine.id) + suffix, token: otherToken)
                let missing = try await harness.raw(
                    method, prefix + (isFile ? missingSHA : missingID) + suffix,
                    token: otherToken)
                #expect(foreign.status == 404, "\(method) \(prefix)…\(suffix)")
                #expect(foreign.status == missing.status && foreign.body == missing.body, "\(method) \(prefix)…\(suffix)")
            }
            // Search, counts and listings never show another team's generation.
            #expect(try await other.search(text: "lighthouse").count == 0)
            #expect(try await other.search(text: nil, limit: 500).count == 0)
            #expect(try await other.search(text: "secret").count == 0)
            #expect(try await harness.client.search(text: "lighthouse").count == 1)
            // The owner still has everything.
            #expect(try await harness.client.generation(id: mine.id).status == .completed)
            #expect(try await harness.raw("GET", "/v1/files/\(sha)").status == 200)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func requestsWithoutAValidTokenAreRefused(_ backend: StoreBackend) async throws {
        try await withHarness(backend: backend) { harness in
            #expect(try await harness.raw("GET", "/v1/generations", token: .some(nil)).status == 401)
            #expect(try await harness.raw("GET", "/v1/generations", token: "evt_forged").status == 401)
            #expect(try await harness.raw("POST", "/v1/generations", body: #"{"model":"x","input":{}}"#, token: .some(nil)).status == 401)
            let tokens = try await harness.vault.store.tokens(teamID: nil)
            try await harness.vault.store.revokeToken(id: try #require(tokens.first?.id), now: Date())
            #expect(try await harness.raw("GET", "/v1/generations").status == 401)
            #expect(try await harness.raw("GET", "/healthz", token: .some(nil)).status == 200)
            await #expect(!(try harness.vault.store.tokens(teamID: nil).map(\.id).joined().contains(harness.token)))
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func deletingKeepsSharedBlobsUntilNoTeamReferencesThem(_ backend: StoreBackend) async throws {
        try await withHarness(backend: backend) { harness in
            let (_, _, other) = try await harness.makeTeam("team-b")
            let request = GenerationRequest(model: "kling-v2-6-pro-text-to-video", input: ["prompt": "same bytes twice"])
            let mine = try await harness.client.createGeneration(request)
            let theirs = try await other.createGeneration(request)
            _ = try await harness.waitUntilFinal([mine.id, theirs.id])
            let sha = try #require(try await harness.client.generation(id: mine.id).assets.first?.sha256)
            #expect(try await other.generation(id: theirs.id).assets.first?.sha256 == sha)
            await #expect(try harness.vault.store.allAssets().count == 1)

            try await harness.client.deleteGeneration(id: mine.id)
            #expect(try await harness.raw("GET", "/v1/generations/\(mine.id)").status == 404)
            #expect(try await harness.vault.blobs.collectGarbage(harness.vault.store).blobs == 0)
            #expect(await harness.vault.blobs.contains(sha))
            #expect(try await other.generation(id: theirs.id).assets.first?.sha256 == sha)

            try await other.deleteGeneration(id: theirs.id)
            // Blobs stored within the last hour are spared (a local file waits for its generation): look from later.
            #expect(try await harness.vault.blobs.collectGarbage(harness.vault.store).blobs == 0)
            let report = try await harness.vault.blobs.collectGarbage(harness.vault.store, now: Date().addingTimeInterval(7200))
            #expect(report.blobs == 1 && report.bytes > 0)
            #expect(!(await harness.vault.blobs.contains(sha)))
            await #expect(try harness.vault.store.allAssets().isEmpty)
        }
    }

    @Test func anAdminTokenManagesItsTeamsTokensAndNoOthers() async throws {
        try await withHarness { harness in
            // Without the admin scope: 403, naming the scope.
            do {
                _ = try await harness.client.tokens()
                Issue.record("an ordinary token lists no tokens")
            } catch let error as VaultClientError {
                #expect(error.status == 403 && error.error?.code == "missing_scope")
            }
            let (_, admin) = try await harness.makeClient(team: "team-a", scopes: [.admin])
            let listed = try await admin.tokens()
            #expect(listed.count == 2 && listed.allSatisfy { $0.token == nil }, "never a secret in a list")

            // Made with no more scopes than the maker's; the new one works at once and is revoked at once.
            do {
                _ = try await admin.createToken(TokenRequest(name: "ci", scopes: ["import"]))
                Issue.record("import is not the admin's to give")
            } catch let error as VaultClientError {
                #expect(error.status == 403 && error.description.contains("import"))
            }
            let made = try await admin.createToken(TokenRequest(name: "laptop"))
            let secret = try #require(made.token)
            let laptop = VaultClient(baseURL: harness.server.baseURL, token: secret)
            #expect(try await laptop.team().team == "team-a")
            let (cookie, _) = try await harness.signIn(token: secret)
            #expect(try await harness.raw("GET", "/", headers: [cookie], token: .some(nil)).status == 200)
            try await admin.revokeToken(id: made.id)
            do {
                _ = try await laptop.team()
                Issue.record("a revoked token is refused")
            } catch let error as VaultClientError { #expect(error.status == 401) }
            #expect(try await harness.raw("GET", "/", headers: [cookie], token: .some(nil)).status == 303, "its session ended")

            // Another team's tokens are not found.
            let (_, _, other) = try await harness.makeTeam("team-b")
            _ = other
            let theirs = try #require(try await harness.vault.store.tokens(teamID: nil).first { $0.team == "team-b" })
            do {
                try await admin.revokeToken(id: theirs.id)
                Issue.record("another team's token is not this admin's")
            } catch let error as VaultClientError { #expect(error.status == 404) }
            #expect(try await admin.tokens().allSatisfy { $0.id != theirs.id })
        }
    }

}
