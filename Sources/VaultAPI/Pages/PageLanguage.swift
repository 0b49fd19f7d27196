import Foundation
import Hummingbird

/// The languages the gallery and the share pages speak. The visitor's switch (a cookie) wins; else the best
/// language of `Accept-Language`; else English. Only the pages' own words and formats change: user content
/// (prompts, tags, model slugs) is shown as it was written.
package enum PageLanguage: String, CaseIterable, Sendable {
    case english = "en"
    case chinese = "zh-CN"

    /// The cookie that remembers the switch.
    static let cookie = "ev_lang"

    init(_ request: Request) {
        if let chosen = request.cookies[Self.cookie].flatMap({ Self(rawValue: $0.value) }) {
            self = chosen
        } else {
            self = request.headers[.acceptLanguage].flatMap(Self.preferred) ?? .english
        }
    }

    /// The first language of an `Accept-Language` value (by quality, then order) that the pages speak: any `zh`
    /// reads Chinese, any `en` English. Nil when it names neither. Never traps on any text.
    package static func preferred(acceptLanguage: String) -> PageLanguage? {
        let ranges = acceptLanguage.split(separator: ",", maxSplits: 32, omittingEmptySubsequences: true).prefix(32)
        var best: (language: PageLanguage, quality: Double)?
        for range in ranges {
            let parts = range.split(separator: ";")
            guard let tag = parts.first?.trimmingCharacters(in: .whitespaces).lowercased() else { continue }
            let quality =
                parts.dropFirst().lazy
                .map { $0.trimmingCharacters(in: .whitespaces) }
                .first { $0.hasPrefix("q=") }
                .flatMap { Double($0.dropFirst(2)) }
                .map { $0.isFinite ? min(max($0, 0), 1) : 0 } ?? 1
            let language: PageLanguage? =
                tag == "zh" || tag.hasPrefix("zh-") ? .chinese : tag == "en" || tag.hasPrefix("en-") ? .english : nil
            guard let language, quality > 0, quality > (best?.quality ?? 0) else { continue }
            best = (language, quality)
        }
        return best?.language
    }

    /// The pages' words in this language.
    var text: PageText { PageText.tables[self] ?? PageText.english }

    /// The other language, offered by the switch, in its own words.
    var other: PageLanguage { self == .english ? .chinese : .english }
    var ownName: String { self == .english ? "English" : "中文" }

    // MARK: Formats (UTC, as the API)

    /// A day: `Nov 25, 2026` / `2026年11月25日`.
    func day(_ date: Date) -> String { date.formatted(styles.day) }

    /// A moment: `Nov 25, 2026 at 2:03 PM UTC` / `2026年11月25日 14:03 UTC`.
    func moment(_ date: Date) -> String { date.formatted(styles.moment) + " UTC" }

    /// US dollars: `$1,234.50` / `US$1,234.50`.
    func dollars(_ amount: Double) -> String { amount.formatted(styles.dollars) }

    /// A count: `12,345`.
    func count(_ value: Int) -> String { value.formatted(styles.number) }

    /// A size in bytes: `123.5 MB`.
    func bytes(_ value: Int64) -> String { value.formatted(styles.bytes) }

    private var styles: Styles { self == .english ? Self.englishStyles : Self.chineseStyles }

    private struct Styles: Sendable {
        let day: Date.FormatStyle
        let moment: Date.FormatStyle
        let dollars: FloatingPointFormatStyle<Double>.Currency
        let number: IntegerFormatStyle<Int>
        let bytes: ByteCountFormatStyle

        init(_ identifier: String) {
            let locale = Locale(identifier: identifier)
            let utc = TimeZone(identifier: "UTC") ?? .current
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = utc
            day = Date.FormatStyle(date: .abbreviated, time: .omitted, locale: locale, calendar: calendar, timeZone: utc)
            moment = Date.FormatStyle(date: .abbreviated, time: .shortened, locale: locale, calendar: calendar, timeZone: utc)
            dollars = .currency(code: "USD").locale(locale)
            number = IntegerFormatStyle<Int>.number.locale(locale)
            bytes = ByteCountFormatStyle(style: .file, locale: locale)
        }
    }

    private static let englishStyles = Styles("en_US")
    private static let chineseStyles = Styles("zh_CN")
}
