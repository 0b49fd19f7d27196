import Foundation
import Storage
import Testing

/// Named collections in the store, the same on SQLite and on PostgreSQL: names unique per team, items added and
/// removed all or nothing, found by the search, shared as one link, and deleted without their generations.
@Suite(.timeLimit(.minutes(5))) struct CollectionStoreTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    private func generation(_ id: String, team: String) -> Generation {
        Generation(
            id: id, teamID: team, model: "m", version: "1", input: ["prompt": .string("a fox \(id)")], tags: [],
            requestKey: "key-\(id)", now: start)
    }

    @Test(arguments: StoreBackend.allCases)
    func collectionsGatherTheTeamsGenerationsAllOrNothing(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let team = try await store.createTeam(name: "a", now: start).id
            let other = try await store.createTeam(name: "b", now: start).id
            for id in ["gen_1", "gen_2"] { _ = try await store.insertGeneration(generation(id, team: team), inputs: []) }
            _ = try await store.insertGeneration(generation("gen_9", team: other), inputs: [])

            let teaser = try #require(
                try await store.createCollection(name: "teaser", description: "for the launch", teamID: team, now: start))
            #expect(try await store.createCollection(name: "teaser", description: nil, teamID: team, now: start) == nil)
            #expect(try await store.createCollection(name: "teaser", description: nil, teamID: other, now: start) != nil)

            // Another team's generation refuses the whole change: gen_1 is not added either.
            let refused = try await store.changeCollection(
                id: teaser.id, teamID: team, name: nil, description: .none, adding: ["gen_1", "gen_9"], removing: [],
                now: start)
            #expect(refused == .unknownGenerations(["gen_9"]))
            #expect(try await store.collection(id: teaser.id, teamID: team)?.itemCount == 0)

            let later = start.addingTimeInterval(5)
            guard
                case .changed(let changed) = try await store.changeCollection(
                    id: teaser.id, teamID: team, name: "launch teaser", description: .some(nil),
                    adding: ["gen_1", "gen_2", "gen_1"], removing: [], now: later)
            else {
                Issue.record("the change should be made")
                return
            }
            #expect(changed.itemCount == 2 && changed.collection.name == "launch teaser")
            #expect(changed.collection.description == nil && changed.collection.updatedAt == later)
            #expect(
                try await store.changeCollection(
                    id: teaser.id, teamID: other, name: nil, description: .none, adding: [], removing: [], now: start)
                    == .notFound)
            _ = try await store.createCollection(name: "b-roll", description: nil, teamID: team, now: start)
            #expect(
                try await store.changeCollection(
                    id: teaser.id, teamID: team, name: "b-roll", description: .none, adding: [], removing: [], now: start)
                    == .nameTaken)
            #expect(try await store.collections(teamID: team).map(\.collection.name) == ["b-roll", "launch teaser"])

            // The gallery's live cards read the ones they show by id, the team's only.
            var chosen = GenerationQuery(teamID: team)
            chosen.ids = ["gen_2", "gen_9"]
            #expect(try await store.searchGenerations(chosen).map(\.id) == ["gen_2"])
            chosen.ids = []
            #expect(try await store.searchGenerations(chosen).isEmpty)

            var items = GenerationQuery(teamID: team)
            items.collectionID = teaser.id
            #expect(try await store.searchGenerations(items).map(\.id) == ["gen_2", "gen_1"])
            _ = try await store.changeCollection(
                id: teaser.id, teamID: team, name: nil, description: .none, adding: [], removing: ["gen_2"], now: later)
            #expect(try await store.searchGenerations(items).map(\.id) == ["gen_1"])
            #expect(try await store.collectionItem(collectionID: teaser.id, generationID: "gen_1")?.generation.id == "gen_1")
            #expect(try await store.collectionItem(collectionID: teaser.id, generationID: "gen_2") == nil)

            // Deleting a generation takes it out; deleting the collection keeps the generations.
            #expect(try await store.deleteGeneration(id: "gen_1", teamID: team, now: start))
            #expect(try await store.collection(id: teaser.id, teamID: team)?.itemCount == 0)
            #expect(try await store.deleteCollection(id: teaser.id, teamID: other) == false)
            #expect(try await store.deleteCollection(id: teaser.id, teamID: team))
            #expect(try await store.collection(id: teaser.id, teamID: team) == nil)
            #expect(try await store.generationDetail(id: "gen_2") != nil)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aCollectionIsSharedAsOneLinkUntilItOrTheLinkGoes(_ backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let team = try await store.createTeam(name: "a", now: start).id
            let other = try await store.createTeam(name: "b", now: start).id
            _ = try await store.insertGeneration(generation("gen_1", team: team), inputs: [])
            let reel = try #require(try await store.createCollection(name: "reel", description: nil, teamID: team, now: start))
            #expect(try await store.createShare(.collection(reel.id), teamID: other, expiresAt: start, now: start) == nil)
            let (token, share) = try #require(
                try await store.createShare(
                    .collection(reel.id), teamID: team, expiresAt: start.addingTimeInterval(60), now: start))
            #expect(share.collectionID == reel.id && share.generationID == nil)
            guard case .activeCollection(let opened, let summary) = try await store.lookUpShare(token: token, now: start)
            else {
                Issue.record("the link should open the collection")
                return
            }
            #expect(opened == share && summary.collection.id == reel.id)
            #expect(try await store.shares(of: .collection(reel.id), teamID: team)?.map(\.id) == [share.id])
            #expect(try await store.shares(of: .collection(reel.id), teamID: other) == nil)
            #expect(try await store.shares(of: .generation("gen_1"), teamID: team) == [], "a generation's links are its own")
            #expect(try await store.revokeShare(id: share.id, teamID: team, now: start))
            guard case .revoked = try await store.lookUpShare(token: token, now: start) else {
                Issue.record("a revoked link stays shut")
                return
            }
            let (second, _) = try #require(
                try await store.createShare(
                    .collection(reel.id), teamID: team, expiresAt: start.addingTimeInterval(60), now: start))
            #expect(try await store.deleteCollection(id: reel.id, teamID: team))
            guard case .unknown = try await store.lookUpShare(token: second, now: start) else {
                Issue.record("a deleted collection's link opens nothing")
                return
            }
        }
    }
}
