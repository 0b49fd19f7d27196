import Foundation
import HTTPTypes
import TestSupport
import Testing
import VaultContract

/// The gallery's bulk actions over HTTP with a real session: tags added and removed on exactly the selected
/// generations, one share link each, deletion only after its question, and every bad selection refused with a page
/// that says why and changes nothing.
@Suite(.timeLimit(.minutes(5))) struct BulkActionTests {
    @Test(arguments: StoreBackend.allCases)
    func selectedGenerationsAreTaggedSharedAndDeletedAfterTheQuestion(_ backend: StoreBackend) async throws {
        try await withHarness(backend: backend) { harness in
            var ids: [String] = []
            for prompt in ["a heron at dawn", "a heron at dusk", "a crane at noon"] {
                ids.append(
                    try await harness.client.createGeneration(
                        GenerationRequest(model: "pixverse-v5-6-text-to-video", input: ["prompt": .string(prompt)], tags: ["Birds"])
                    ).id)
            }
            let other = try await harness.vault.store.createTeam(name: "others", now: Date())
            let otherToken = try await harness.vault.store.createToken(teamName: other.name, label: nil, scopes: [], now: Date()).token
            let theirs = try await harness.raw(
                "POST", "/v1/generations", body: #"{"model": "pixverse-v5-6-text-to-video", "input": {"prompt": "their heron"}}"#,
                token: otherToken)
            let theirID = try #require(theirs.body.firstMatch(of: #/"id"\s*:\s*"(gen_[^"]+)"/#)?.1).description
            let (cookie, csrf) = try await harness.signIn()
            func post(_ fields: [String: String]) async throws -> (status: Int, body: String, headers: HTTPFields) {
                let body = (fields.merging(["csrf": csrf]) { a, _ in a })
                    .map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
                    .joined(separator: "&")
                return try await harness.raw(
                    "POST", "/g/bulk", body: body,
                    headers: [cookie, ("Content-Type", "application/x-www-form-urlencoded")], token: .some(nil))
            }
            func tags(_ id: String) async throws -> [String]? { try await harness.vault.store.generation(id: id)?.tags }

            // Added to the two selected (another team's id is skipped), kept once whatever its case; removed again.
            let tagged = try await post([
                "action": "tag", "tag": " keeper ", "back": "/?q=heron", "select-\(ids[0])": "on", "select-\(ids[1])": "on",
                "select-\(theirID)": "on",
            ])
            #expect(tagged.status == 303 && tagged.headers[.location] == "/?q=heron")
            #expect(try await tags(ids[0]) == ["Birds", "keeper"])
            #expect(try await tags(ids[1]) == ["Birds", "keeper"])
            #expect(try await tags(ids[2]) == ["Birds"])
            #expect(try await tags(theirID) == [])
            _ = try await post(["action": "tag", "tag": "KEEPER", "select-\(ids[0])": "on"])
            #expect(try await tags(ids[0]) == ["Birds", "keeper"])
            _ = try await post(["action": "untag", "tag": "birds", "select-\(ids[0])": "on", "back": "//evil.example/"])
            #expect(try await tags(ids[0]) == ["keeper"])
            let search = try await harness.client.search([("tag", "keeper")])
            #expect(Set(search.items.map(\.id)) == [ids[0], ids[1]], "the search follows the tags")

            // One link per generation, listed together; each opens its own generation's page.
            let shared = try await post(["action": "share", "select-\(ids[0])": "on", "select-\(ids[2])": "on"])
            let links = shared.body.matches(of: #/class="share-link" href="[^"]*(/s/[A-Za-z0-9_-]+)"/#).map { String($0.1) }
            #expect(shared.status == 200 && links.count == 2 && Set(links).count == 2)
            for link in links {
                #expect(try await harness.raw("GET", link, token: .some(nil)).status == 200)
            }

            // Delete asks first (nothing is deleted), then deletes exactly the selected.
            let question = try await post(["action": "delete", "select-\(ids[1])": "on", "select-\(ids[2])": "on"])
            #expect(question.status == 200 && question.body.contains("value=\"delete-confirmed\""))
            #expect(question.body.contains("name=\"select-\(ids[1])\"") && question.body.contains("name=\"select-\(ids[2])\""))
            #expect(try await harness.vault.store.generation(id: ids[1]) != nil, "only asked")
            let deleted = try await post([
                "action": "delete-confirmed", "select-\(ids[1])": "on", "select-\(ids[2])": "on", "select-\(theirID)": "on",
                "back": "/",
            ])
            #expect(deleted.status == 303)
            func exists(_ id: String) async throws -> Bool { try await harness.vault.store.generation(id: id) != nil }
            #expect(try await !exists(ids[1]))
            #expect(try await !exists(ids[2]))
            #expect(try await exists(ids[0]))
            #expect(try await exists(theirID))

            // Refusals: nothing selected, too many, no tag, a long tag, an unknown action; each says why.
            let none = try await post(["action": "tag", "tag": "x"])
            #expect(none.status == 400 && none.body.contains("Select at least one generation"))
            var many = ["action": "tag", "tag": "x"]
            for index in 0...200 { many["select-gen_\(index)"] = "on" }
            let tooMany = try await post(many)
            #expect(tooMany.status == 400 && tooMany.body.contains("at most 200"))
            let noTag = try await post(["action": "tag", "tag": "  ", "select-\(ids[0])": "on"])
            #expect(noTag.status == 400 && noTag.body.contains("Type a tag"))
            let longTag = try await post(["action": "tag", "tag": String(repeating: "t", count: 65), "select-\(ids[0])": "on"])
            #expect(longTag.status == 400 && longTag.body.contains("at most 64"))
            // 64 characters are not 64 bytes: 6,001 bytes in 64 characters (emoji with modifiers) once got through.
            let wideTag = String(repeating: "👩🏽‍🚀", count: 16)
            let wide = try await post(["action": "tag", "tag": wideTag, "select-\(ids[0])": "on"])
            #expect(wide.status == 400 && wide.body.contains("at most 64 bytes"))
            let unknown = try await post(["action": "explode", "select-\(ids[0])": "on"])
            #expect(unknown.status == 400 && unknown.body.contains("Choose add tag"))
            #expect(try await tags(ids[0]) == ["keeper"], "no refusal changed anything")

            // Adding one tag at a time stops at sixteen, and the page says which generations were left as they were.
            for index in 1...15 { _ = try await post(["action": "tag", "tag": "t\(index)", "select-\(ids[0])": "on"]) }
            #expect(try await tags(ids[0])?.count == 16)
            let full = try await post(["action": "tag", "tag": "one-more", "select-\(ids[0])": "on"])
            #expect(full.status == 422 && full.body.contains("already have 16 tags"), "\(full.body.prefix(300))")
            #expect(try await tags(ids[0])?.count == 16)

            // Without the session's form token the action is refused.
            let forged = try await harness.raw(
                "POST", "/g/bulk", body: "csrf=bad&action=delete-confirmed&select-\(ids[0])=on",
                headers: [cookie, ("Content-Type", "application/x-www-form-urlencoded")], token: .some(nil))
            #expect(forged.status == 403)
            #expect(try await exists(ids[0]))
        }
    }
}
