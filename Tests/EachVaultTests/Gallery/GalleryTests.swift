import Foundation
@testable import VaultAPI
import TestSupport
import Testing
import Transport
import VaultContract
import VaultRuntime
import Workers

/// The gallery in a real browser: headless Chromium (Debian's package), driven over the DevTools protocol.
@Suite struct GalleryTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
        .appending(path: "Browser/gallery_check.py")

    @Test(.timeLimit(.minutes(3)))
    func searchShowsPostersWithoutFetchingVideosAndTheDetailPagePlaysWithRanges() async throws {
        // Generations take a few seconds, so the browser sees a card still pending and then completed.
        var simulator = Harness.simulatorSettings
        simulator.runTime = .seconds(3)
        try await withHarness(simulator: simulator, configure: Harness.makingPosters) { harness in
            var ids: [String] = []
            for prompt in [
                "A fox in the snow", "A fox by the river", "A city at night",
                "<script>window.__xss=1</script> a hostile fox prompt",
            ] {
                ids.append(
                    try await harness.client.createGeneration(
                        GenerationRequest(
                            model: "pixverse-v5-6-text-to-video", input: ["prompt": .string(prompt)])
                    ).id)
            }
            _ = try await harness.waitUntilFinal(ids)
            try await eventually { try await harness.vault.store.posterCounts().waiting == 0 }
            let shots = ProcessInfo.processInfo.environment["EACHVAULT_SCREENSHOTS"]

            // The browser talks to the in-process service: it is waited for on a thread of its own, never a
            // cooperative one the service needs to answer it.
            // Signed in with a token that holds the admin scope: the settings page then manages tokens too.
            let (admin, _) = try await harness.makeClient(team: "team-a", scopes: [.admin])
            let arguments =
                ["python3", Self.script.path, harness.server.baseURL, admin, "fox", ids[3]]
                + (shots.map { [$0] } ?? [])
            let run = try await runChild(arguments)
            let (status, data, problems) = (run.status, run.output, run.errors)
            #expect(status == 0, "\(problems)")

            struct Seen: Decodable {
                var signed_in_at: String
                var cards: [String]
                var poster_widths: [Int]
                var card_videos: Int
                var files_fetched: [String]
                var durations: [String]
                var video_src: String?
                var video_poster: String?
                var range_status: String?
                var video_ready: Int?
                var detail_prompt: String
                var xss_ran: Bool
                var detail_has_sha: Bool
                var form_fields: [String]
                var form_selects: Int
                var remake_prompt: String
                var remade_at: String
                var remade_from: String?
                var phone_widths: [String: Int]
                var spend_bars: Int
                var spend_chart_width: Int
                var preview_ready: Int
                var preview_src: String?
                var previews_after_leaving: Int
                var focused_card: String
                var selected_by_key: [String]
                var opened_by_enter: String
                var next_by_arrow: String
                var back_by_escape: String
                var bulk_selected: [String]
                var tagged_back_at: String
                var tagged_cards: [String]
                var all_selected: [Int]
                var none_selected: Int
                var share_links: [String]
                var share_text: String
                var share_meta: [String: String]
                var share_poster: String?
                var share_poster_width: Int
                var upload_labels: [String]
                var uploaded_reference: String?
                var upload_thumb_width: Int
                var uploaded_at: String
                var live_before: String
                var live_after: String?
                var live_no_reload: Bool
                var live_cost: String?
                var starred: String
                var favourite_cards: [String]
                var collected: [String]
                var collected_back_at: String
                var collection_link: String?
                var collection_page_items: Int
                var collection_page_title: String
                var collection_heading: String
                var collection_cards: [String]
                var edited_tags: [String]
                var edited_note: String
                var endpoint_secret: String?
                var endpoint_rows: Int
                var endpoint_state: String
                var deliveries_heading: String
                var token_secret: String?
                var token_revoked: Bool
                var delete_question_at: String
                var delete_listed: Int
                var deleted_back_at: String
                var cards_after_delete: Int
                var zh_lang: String
                var zh_nav: [String]
                var zh_prompts: [String]
                var zh_dates: [String]
                var zh_share_footer: String
                var zh_spend_heading: String
                var zh_collections_heading: String
                var zh_collection_count: String
                var switched_at: String
                var switched_lang: String
                var remembered_lang: String
            }
            let seen = try JSONDecoder().decode(Seen.self, from: data)
            #expect(seen.signed_in_at == "/")
            #expect(Set(seen.cards) == [ids[0], ids[1], ids[3]])
            #expect(seen.poster_widths.count == 3 && seen.poster_widths.allSatisfy { $0 > 0 }, "\(seen.poster_widths)")
            #expect(seen.card_videos == 0)
            #expect(
                seen.files_fetched.count == 3 && seen.files_fetched.allSatisfy { $0.hasSuffix("/poster") },
                "only posters are fetched: \(seen.files_fetched)")
            #expect(seen.durations.count == 3 && seen.durations.allSatisfy { $0.hasPrefix("0:0") })
            #expect(seen.video_src?.contains("/g/files/") == true)
            #expect(seen.video_poster?.hasSuffix("/poster") == true)
            #expect(seen.range_status?.hasPrefix("206 bytes 0-99/") == true)
            #expect((seen.video_ready ?? 0) >= 1, "the browser read the video's metadata")
            #expect(seen.detail_prompt.contains("<script>window.__xss=1</script>"))
            #expect(!seen.xss_ran)
            #expect(seen.detail_has_sha)
            #expect(seen.form_fields.first == "Prompt * prompt", "the field in words, then its name")
            #expect(seen.form_selects >= 3)
            #expect(seen.remake_prompt.contains("<script>window.__xss=1</script>"), "pre-filled, as text")
            #expect(seen.remade_at.hasPrefix("/g/gen_") && seen.remade_at != "/g/\(ids[3])")
            #expect(seen.remade_from == ids[3], "the new generation links to the one it was made from")
            #expect(seen.phone_widths.count == 4 && seen.phone_widths.values.allSatisfy { $0 <= 390 }, "\(seen.phone_widths)")
            #expect(seen.spend_bars >= 30 + 1 && seen.spend_chart_width > 200, "30 days and one model, drawn")

            // Pointing plays the card's preview, from its own route; leaving removes it.
            #expect(seen.preview_ready >= 2, "the preview's first frame is decoded")
            #expect(seen.preview_src?.hasSuffix("/preview") == true && seen.previews_after_leaving == 0)

            // Keyboard: the second card, selected with X, opened with Enter; Right opens the next result, Escape
            // returns to the results.
            #expect(seen.focused_card == seen.cards[1] && seen.selected_by_key == [seen.cards[1]])
            #expect(seen.opened_by_enter == "/g/\(seen.cards[1])")
            #expect(seen.next_by_arrow == "/g/\(seen.cards[2])")
            #expect(seen.back_by_escape == "/?q=fox")

            // Bulk: the two selected cards tagged (and only they), a share link each, one deleted after its question.
            #expect(seen.bulk_selected.count == 2 && seen.tagged_back_at == "/?q=fox")
            #expect(Set(seen.tagged_cards) == Set(seen.bulk_selected), "\(seen.tagged_cards)")
            for id in seen.bulk_selected {
                #expect(try await harness.vault.store.generation(id: id)?.tags == ["keeper"])
            }
            #expect(seen.all_selected.count == 2 && seen.all_selected[0] == seen.all_selected[1] && seen.all_selected[0] >= 3)
            #expect(seen.none_selected == 0, "Select all again clears the selection")
            #expect(seen.share_links.count == 2 && seen.share_links.allSatisfy { $0.contains("/s/") })
            #expect(seen.share_text.split(separator: "\n").map(String.init) == seen.share_links, "every link, to copy at once")
            // The share page unfurls: Open Graph and Twitter card tags with absolute addresses, the poster on the player.
            let shareURL = try #require(seen.share_links.first)
            #expect(seen.share_meta["og:url"] == shareURL && seen.share_meta["og:type"] == "video.other")
            #expect(seen.share_meta["og:video"] == shareURL + "/video" && seen.share_meta["og:image"] == shareURL + "/poster")
            #expect(seen.share_meta["twitter:card"] == "summary_large_image" && seen.share_meta["og:title"]?.isEmpty == false)
            #expect(seen.share_meta["og:description"]?.contains("fox") == true)
            #expect(seen.share_poster?.hasSuffix("/poster") == true && seen.share_poster_width > 0)

            // A file picked on the form is uploaded and referenced, with a thumbnail; the new card then goes from
            // pending to completed in the open gallery without a reload, with its cost; tags and a note edited on
            // its page.
            #expect(seen.upload_labels.contains("Image URL * image_url"), "\(seen.upload_labels)")
            let reference = try #require(seen.uploaded_reference)
            #expect(reference.hasPrefix("sha256:") && seen.upload_thumb_width == 64)
            let created = String(try #require(seen.uploaded_at.split(separator: "/").last))
            let made = try #require(try await harness.vault.store.generation(id: created))
            #expect(made.input["image_url"]?.stringValue?.hasPrefix("http") == true, "sent to the provider as its upload")
            #expect(["pending", "submitted", "processing"].contains(seen.live_before), "\(seen.live_before)")
            #expect(seen.live_after == "completed" && seen.live_no_reload)
            #expect(seen.live_cost?.contains("$") == true)
            #expect(seen.starred == "true" && seen.favourite_cards == [created])
            #expect(try await harness.vault.store.generation(id: created)?.favourite == true)
            #expect(seen.collected.count == 2 && seen.collected_back_at == "/?q=fox")
            #expect(seen.collection_link?.contains("/s/") == true && seen.collection_page_items == 2)
            #expect(seen.collection_page_title == "spring reel" && seen.collection_heading == "spring reel")
            #expect(Set(seen.collection_cards) == Set(seen.collected), "\(seen.collection_cards)")
            #expect(seen.edited_tags == ["birds", "river"] && seen.edited_note == "for the spring campaign")

            // Settings: the endpoint's secret shown once and kept (hashed nowhere: it signs); disabled by the team;
            // a token made (working) and revoked.
            let endpoints = try await harness.vault.store.endpoints(teamID: harness.team.id)
            #expect(seen.endpoint_rows == 1 && endpoints.count == 1 && seen.endpoint_secret?.isEmpty == false)
            #expect(seen.endpoint_state.hasPrefix("disabled"), "\(seen.endpoint_state)")
            #expect(try await harness.vault.store.endpoints(teamID: harness.team.id).first?.enabled == false)
            #expect(seen.deliveries_heading.contains("https://hooks.example.com/eachvault"))
            let madeToken = try #require(seen.token_secret)
            let stillWorks = try await harness.vault.authenticate(token: madeToken)
            #expect(seen.token_revoked && stillWorks == nil)

            #expect(seen.delete_question_at == "/g/bulk" && seen.delete_listed == 1)
            #expect(seen.deleted_back_at == "/?q=city" && seen.cards_after_delete == 0)
            #expect(try await harness.vault.store.generation(id: ids[2]) == nil, "deleted")
            #expect(try await harness.vault.store.generation(id: ids[0]) != nil, "the others stay")

            // Chinese when the browser asks for it; prompts as written; the switch back to English remembered.
            #expect(seen.zh_lang == "zh-CN")
            #expect(seen.zh_nav.contains("图库") && seen.zh_nav.contains("花费") && seen.zh_nav.contains("English"))
            #expect(seen.zh_prompts.contains("A fox in the snow"))
            #expect(seen.zh_dates.allSatisfy { $0.contains("年") && $0.contains("日") }, "\(seen.zh_dates)")
            #expect(seen.zh_share_footer.contains("由 EachVault 分享"), "\(seen.zh_share_footer)")
            #expect(seen.zh_spend_heading == "花费")
            #expect(seen.zh_collections_heading == "合集" && seen.zh_collection_count == "2 个视频")
            #expect(seen.switched_at == "/spend" && seen.switched_lang == "en" && seen.remembered_lang == "en")
        }
    }
}

@Suite(.timeLimit(.minutes(5))) struct GalleryFormTests {
    @Test func signInNewGenerationWithFieldErrorsAndSignOut() async throws {
        try await withHarness { harness in
            let form = [("Content-Type", "application/x-www-form-urlencoded")]
            #expect(try await harness.raw("GET", "/", token: .some(nil)).headers["Location"] == "/login")
            let signInForm = try await harness.raw("GET", "/login", token: .some(nil))
            let signInCookie = String(try #require(signInForm.headers["Set-Cookie"]).prefix { $0 != ";" })
            let formToken = try #require(signInForm.body.firstMatch(of: #/name="csrf" value="([0-9a-f]+)"/#)?.1)
            let refused = try await harness.raw(
                "POST", "/login", body: "csrf=\(formToken)&token=evt_wrong",
                headers: form + [("Cookie", signInCookie)], token: .some(nil))
            #expect(refused.status == 401 && refused.body.contains("not valid"))

            let signedIn = try await harness.raw(
                "POST", "/login", body: "csrf=\(formToken)&token=\(harness.token)",
                headers: form + [("Cookie", signInCookie)], token: .some(nil))
            #expect(signedIn.status == 303)
            let cookie = try #require(signedIn.headers["Set-Cookie"])
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
            let sessionValue = String(cookie.prefix { $0 != ";" })
            let session = [("Cookie", sessionValue)]
            let csrf = GallerySession.formToken(for: String(sessionValue.split(separator: "=", maxSplits: 1)[1]))
            let page = try await harness.raw("GET", "/", headers: session, token: .some(nil))
            #expect(page.status == 200 && page.body.contains(csrf))

            // A bad value comes back on the form, next to its field, and nothing reaches the provider.
            let invalid = try await harness.raw(
                "POST", "/new", body: "csrf=\(csrf)&model=pixverse-v5-6-text-to-video&prompt=&aspect_ratio=2%3A1&seed=abc",
                headers: form + session, token: .some(nil))
            #expect(invalid.status == 422)
            #expect(invalid.body.contains("is required") && invalid.body.contains("must be an integer"))
            #expect(await harness.simulator.stats().creates == 0)

            let created = try await harness.raw(
                "POST", "/new",
                body:
                    "csrf=\(csrf)&model=pixverse-v5-6-text-to-video&prompt=a+heron+%26+a+pond&duration=5&generate_audio_switch=true",
                headers: form + session, token: .some(nil))
            #expect(created.status == 303)
            // A name sent twice is no form this gallery made: refused before anything is created.
            let repeated = try await harness.raw(
                "POST", "/new", body: "csrf=\(csrf)&model=pixverse-v5-6-text-to-video&prompt=a&prompt=b",
                headers: form + session, token: .some(nil))
            #expect(repeated.status == 400 && repeated.body.contains("could not be read"))
            let id = String(try #require(created.headers["Location"]).dropFirst(3))
            let generation = try await #require(try harness.vault.store.generation(id: id))
            #expect(generation.prompt == "a heron & a pond")
            #expect(generation.input["generate_audio_switch"] == true && generation.input["duration"] == "5")
            #expect(generation.input["csrf"] == nil)
            #expect(generation.teamID == harness.team.id)

            let signedOut = try await harness.raw(
                "POST", "/logout", body: "csrf=\(csrf)", headers: form + session,
                token: .some(nil))
            #expect(signedOut.status == 303)
            #expect(try await harness.raw("GET", "/", headers: session, token: .some(nil)).headers["Location"] == "/login")
        }
    }
}

@Suite(.timeLimit(.minutes(5))) struct GallerySearchTests {
    @Test func highlightsMatchesPagesAndLeadsFromAnInputImageToEveryVideoMadeFromIt() async throws {
        try await withHarness { harness in
            let session = [try await harness.signIn().cookie]
            let image = "\(harness.simulatorServer.baseURL)/_simulator/samples/sample-first-frame.png"
            var ids: [String] = []
            for take in 0..<3 {
                ids.append(
                    try await harness.client.createGeneration(
                        GenerationRequest(
                            model: "pixverse-v5-6-image-to-video",
                            input: ["prompt": .string("a <i>heron</i> lifts off, take \(take)"), "image_url": .string(image)])
                    ).id)
            }
            _ = try await harness.waitUntilFinal(ids)

            let results = try await harness.raw("GET", "/?q=heron", headers: session, token: .some(nil))
            #expect(results.status == 200 && results.body.contains("<mark>heron</mark>"))
            // Absent values stay absent: no stray "nil", no next page after the last, a placeholder where no video is.
            #expect(!results.body.contains(">nil<") && !results.body.contains("rel=\"next\""))
            let failed = try await harness.client.createGeneration(
                GenerationRequest(
                    model: "pixverse-v5-6-text-to-video", input: ["prompt": "a rejected heron #sim-error:PROVIDER_REJECTED"]))
            _ = try await harness.waitUntilFinal([failed.id])
            let failures = try await harness.raw("GET", "/?status=failed", headers: session, token: .some(nil))
            #expect(failures.body.contains("class=\"placeholder\"") && !failures.body.contains("<video"))
            #expect(results.body.contains("&lt;i&gt;") && !results.body.contains("<i>heron"))
            let paged = try await harness.raw("GET", "/?q=heron&limit=2", headers: session, token: .some(nil))
            #expect(paged.body.contains("rel=\"next\""))
            let bad = try await harness.raw("GET", "/?resolution=huge", headers: session, token: .some(nil))
            #expect(bad.status == 200 && bad.body.contains("resolution must be"))

            // Wait (bounded) for the input image to be stored, then follow the detail page's lineage link.
            var sha: String?
            for _ in 0..<200 where sha == nil {
                sha = try await harness.vault.store.generationDetail(id: ids[0])?.inputs.first?.asset?.sha256
                if sha == nil { try await Task.sleep(for: .milliseconds(50)) }
            }
            let digest = try #require(sha)
            let detail = try await harness.raw("GET", "/g/\(ids[0])", headers: session, token: .some(nil))
            #expect(detail.body.contains("Input files") && detail.body.contains("/?input=\(digest)"))
            let lineage = try await harness.raw("GET", "/?input=\(digest)", headers: session, token: .some(nil))
            #expect(ids.allSatisfy { lineage.body.contains("data-generation=\"\($0)\"") })
        }
    }
}

/// What the gallery's script calls: uploads with the form token in a header, and live cards.
@Suite(.timeLimit(.minutes(5))) struct GalleryScriptRouteTests {
    @Test func uploadsNeedTheSessionsTokenAndCardsAnswerOnlyTheTeamsGenerations() async throws {
        try await withHarness { harness in
            let (cookie, formToken) = try await harness.signIn()
            let file = "notes for the shoot"  // any bytes: the stored type is read from them
            let wrong = try await harness.raw(
                "POST", "/g/upload", body: file, headers: [cookie, ("X-CSRF-Token", String(repeating: "0", count: 64))],
                token: .some(nil))
            #expect(wrong.status == 403)
            let fromElsewhere = try await harness.raw(
                "POST", "/g/upload", body: file, headers: [cookie, ("X-CSRF-Token", formToken), ("Sec-Fetch-Site", "cross-site")],
                token: .some(nil))
            #expect(fromElsewhere.status == 403)
            let uploaded = try await harness.raw(
                "POST", "/g/upload", body: file,
                headers: [cookie, ("X-CSRF-Token", formToken), ("Content-Type", "text/plain")], token: .some(nil))
            #expect(uploaded.status == 201 && uploaded.body.contains("\"reference\":\"sha256:"), "\(uploaded.body)")
            // Only the upload takes its token in a header: any other post needs it in its form.
            let mine0 = try await harness.client.createGeneration(
                GenerationRequest(model: "pixverse-v5-6-text-to-video", input: ["prompt": "a kite kept"]))
            let headerOnly = try await harness.raw(
                "POST", "/g/\(mine0.id)/delete", body: "", headers: [cookie, ("X-CSRF-Token", formToken)], token: .some(nil))
            #expect(headerOnly.status == 403)
            #expect(try await harness.client.generation(id: mine0.id).id == mine0.id)

            let mine = try await harness.client.createGeneration(
                GenerationRequest(model: "pixverse-v5-6-text-to-video", input: ["prompt": "a kite over dunes"]))
            let (_, _, other) = try await harness.makeTeam("team-b")
            let theirs = try await other.createGeneration(
                GenerationRequest(model: "pixverse-v5-6-text-to-video", input: ["prompt": "another team's kite"]))
            let cards = try await harness.raw(
                "GET", "/g/cards?ids=\(mine.id),\(theirs.id),nonsense", headers: [cookie], token: .some(nil))
            #expect(cards.status == 200 && cards.headers[.cacheControl] == "no-store")
            let answer = try JSONSerialization.jsonObject(with: Data(cards.body.utf8)) as? [String: Any]
            let listed = (answer?["cards"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
            #expect(listed == [mine.id], "only the team's own")
            #expect(cards.body.contains("data-status") && cards.body.contains("a kite over dunes"))
            let signedOut = try await harness.raw("GET", "/g/cards?ids=\(mine.id)", token: .some(nil))
            #expect(signedOut.status == 303)
        }
    }
}
