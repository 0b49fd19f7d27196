import EachLabs
import Foundation
import Hummingbird
import Testing
@testable import VaultAPI
import TestSupport
import VaultContract
import Workers

/// English and Simplified Chinese: chosen by `Accept-Language`, switched and remembered by a cookie, the tables
/// complete, and user content never translated.
@Suite(.timeLimit(.minutes(5))) struct LanguageTests {
    @Test func theTablesHaveTheSameKeysAndValuesAndEveryTemplateKeyExists() throws {
        let english = PageText.table(.english)
        let chinese = PageText.table(.chinese)
        #expect(Set(english.keys) == Set(chinese.keys), "\(Set(english.keys).symmetricDifference(chinese.keys))")
        let placeholder = #/\{\{(\w+)\}\}/#
        for (key, text) in english {
            let values = Set(text.matches(of: placeholder).map { String($0.1) })
            let translated = Set((chinese[key] ?? "").matches(of: placeholder).map { String($0.1) })
            #expect(values == translated, "\(key): the translation keeps the page's values")
        }
        let used = EmbeddedFiles.names(withSuffix: ".mustache").flatMap { name in
            String(decoding: EmbeddedFiles.data(named: name) ?? Data(), as: UTF8.self).matches(of: #/\{\{t\.(\w+)\}\}/#)
                .map { String($0.1) }
        }
        #expect(!used.isEmpty)
        #expect(Set(used).subtracting(english.keys).isEmpty, "\(Set(used).subtracting(english.keys))")
    }

    /// The schema's objections read the same on an English page as in the API, and every one has a Chinese text.
    @Test(arguments: [
        FieldProblem.Reason.required, .unknownParameter, .wrongType(expected: "integer", got: "string"),
        .wrongType(expected: "value", got: "null"), .wrongType(expected: "string", got: "array"),
        .notAllowed(value: "2:1"), .tooFewCharacters(3), .tooManyCharacters(10), .tooManyBytes(20_000),
        .tooManyItems(16), .belowMinimum(1), .aboveMaximum(2.5),
    ])
    func fieldProblemsAreWordedAsTheAPIWordsThemAndTranslated(_ reason: FieldProblem.Reason) {
        let problem = FieldProblem(field: "f", reason: reason)
        #expect(PageLanguage.english.describe(problem) == reason.english)
        let chinese = PageLanguage.chinese.describe(problem)
        #expect(chinese != reason.english && !chinese.contains("{{") && !chinese.contains("type_"), "\(chinese)")
    }

    @Test func acceptLanguagePicksTheBestSpokenLanguageAndNeverTraps() {
        #expect(PageLanguage.preferred(acceptLanguage: "zh-CN,zh;q=0.9,en;q=0.8") == .chinese)
        #expect(PageLanguage.preferred(acceptLanguage: "en-GB,en;q=0.9,zh;q=0.8") == .english)
        #expect(PageLanguage.preferred(acceptLanguage: "fr-FR, zh-TW;q=0.7, en;q=0.3") == .chinese)
        #expect(PageLanguage.preferred(acceptLanguage: "en;q=0.2, zh-Hans;q=0.9") == .chinese)
        #expect(PageLanguage.preferred(acceptLanguage: "de, fr") == nil)
        #expect(PageLanguage.preferred(acceptLanguage: "zh;q=0") == nil, "q=0 means not this one")
        for hostile in ["", ";;;", "zh;q=nan", "zh;q=1e999", "en;q=-5", String(repeating: "zh,", count: 10_000), "\u{0}"] {
            _ = PageLanguage.preferred(acceptLanguage: hostile)
        }
    }

    /// A card's length, whatever the stored duration says (it comes from probing outside bytes).
    @Test func aVideoLengthIsWrittenAsPlayersShowItAndNeverTraps() {
        typealias Gallery = GalleryController<Vault>
        #expect(Gallery.clockTime(8.4) == "0:08" && Gallery.clockTime(750) == "12:30" && Gallery.clockTime(3723) == "1:02:03")
        for hostile in [Double.nan, .infinity, -.infinity, -5, 1e300] { _ = Gallery.clockTime(hostile) }
        #expect(Gallery.clockTime(.nan) == "0:00")
    }

    @Test func aSameSiteAddressIsKeptAndAnyOtherBecomesTheGallery() {
        #expect(Request.localPage("/?q=fox&tag=a") == "/?q=fox&tag=a")
        #expect(Request.localPage("/g/gen_1") == "/g/gen_1")
        for other in [
            nil, "", "https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)",
            "/\r\nSet-Cookie: x=1", String(repeating: "/a", count: 2000),
        ] as [String?] {
            #expect(Request.localPage(other) == "/", "\(String(describing: other))")
        }
    }

    @Test func pagesFollowTheBrowserTheSwitchIsRememberedAndPromptsStayAsWritten() async throws {
        try await withHarness { harness in
            let created = try await harness.client.createGeneration(
                GenerationRequest(model: "pixverse-v5-6-text-to-video", input: ["prompt": "一只白鹭 and a heron"]))
            _ = try await harness.waitUntilFinal([created.id])
            let (cookie, csrf) = try await harness.signIn()
            let chinese = [cookie, ("Accept-Language", "zh-CN,zh;q=0.9")]
            let gallery = try await harness.raw("GET", "/", headers: chinese, token: .some(nil))
            #expect(gallery.body.contains("<html lang=\"zh-CN\">") && gallery.headers[.contentLanguage] == "zh-CN")
            #expect(gallery.body.contains(">图库<") && gallery.body.contains("1 个结果") && gallery.body.contains("已完成"))
            #expect(gallery.body.contains("一只白鹭 and a heron"), "the prompt as written")
            #expect(gallery.headers[.vary]?.contains("Accept-Language") == true)
            let detail = try await harness.raw("GET", "/g/\(created.id)", headers: chinese, token: .some(nil))
            #expect(detail.body.contains("再做一次") && detail.body.contains("年") && detail.body.contains("US$"))
            let missing = try await harness.raw("GET", "/g/gen_none", headers: chinese, token: .some(nil))
            #expect(missing.status == 404 && missing.body.contains("未找到") && missing.body.contains("没有这个生成"))
            let badFile = try await harness.raw("GET", "/g/files/not-hex", headers: chinese, token: .some(nil))
            #expect(badFile.status == 400 && badFile.body.contains("请求有误"), "the error page's title too")
            let form = [("Content-Type", "application/x-www-form-urlencoded")]
            let refused = try await harness.raw(
                "POST", "/new", body: "csrf=\(csrf)&model=pixverse-v5-6-text-to-video&prompt=&seed=abc",
                headers: chinese + form, token: .some(nil))
            #expect(refused.status == 422 && refused.body.contains("为必填项") && refused.body.contains("应为整数，实际为字符串"))
            let english = try await harness.raw("GET", "/g/\(created.id)", headers: [cookie], token: .some(nil))
            #expect(english.body.contains("Make again") && english.body.contains("<html lang=\"en\">"))

            // The switch: remembered in a cookie, back to the page it was pressed on, whatever the browser asks.
            let switched = try await harness.raw(
                "GET", "/language?to=en&back=%2Fg%2F\(created.id)", headers: chinese, token: .some(nil))
            #expect(switched.status == 303 && switched.headers[.location] == "/g/\(created.id)")
            let remembered = try #require(switched.headers[.setCookie]).prefix { $0 != ";" }
            #expect(remembered == "ev_lang=en")
            let afterSwitch = try await harness.raw(
                "GET", "/", headers: chinese + [("Cookie", "\(cookie.value); \(remembered)")], token: .some(nil))
            #expect(afterSwitch.body.contains("<html lang=\"en\">"))
            let elsewhere = try await harness.raw("GET", "/language?to=zh-CN&back=https%3A%2F%2Fevil.example", token: .some(nil))
            #expect(elsewhere.status == 303 && elsewhere.headers[.location] == "/")
            #expect(try await harness.raw("GET", "/language?to=klingon", token: .some(nil)).status == 400)

            // The public share page and the sign-in page speak Chinese too, with no script on them.
            let share = try await harness.raw(
                "POST", "/v1/generations/\(created.id)/share", body: "{}", headers: [("Content-Type", "application/json")])
            let url = try #require(share.body.firstMatch(of: #/"url"\s*:\s*"[^"]*(/s/[^"]+)"/#)?.1)
            let page = try await harness.raw("GET", String(url), headers: [("Accept-Language", "zh")], token: .some(nil))
            #expect(page.body.contains("由 EachVault 分享") && page.body.contains("一只白鹭 and a heron"))
            #expect(page.headers[.contentSecurityPolicy]?.contains("script-src 'none'") == true)
            let signIn = try await harness.raw("GET", "/login", headers: [("Accept-Language", "zh")], token: .some(nil))
            #expect(signIn.body.contains("登录 EachVault"))
            let gone = try await harness.raw("GET", "/s/evs_unknown", headers: [("Accept-Language", "zh")], token: .some(nil))
            #expect(gone.status == 404 && gone.body.contains("没有这个链接"))

            // The keyboard script is this origin's, cached, and only the pages that use it allow it.
            let script = try await harness.raw("GET", "/assets/gallery.js", token: .some(nil))
            #expect(script.status == 200 && script.headers[.contentType]?.hasPrefix("text/javascript") == true)
            #expect(gallery.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
        }
    }
}
