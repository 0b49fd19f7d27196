import Foundation
import TestSupport
import Testing
import VaultContract

/// The gallery's spend page: the same figures as `GET /v1/spend` for the same range, to the cent and beyond (each
/// row carries the API's exact numbers), drawn as server-side SVG charts, every day of the range present.
@Suite(.timeLimit(.minutes(5))) struct SpendPageTests {
    @Test(arguments: StoreBackend.allCases)
    func theSpendPageShowsExactlyWhatTheAPIReports(_ backend: StoreBackend) async throws {
        try await withHarness(backend: backend) { harness in
            let requests = [
                GenerationRequest(model: "kling-v2-6-pro-text-to-video", input: ["prompt": "a spend page test", "duration": "5"]),
                GenerationRequest(model: "pixverse-v5-6-text-to-video", input: ["prompt": "another spend page test"]),
                GenerationRequest(model: "pixverse-v5-6-text-to-video", input: ["prompt": "a third spend page test"]),
            ]
            var ids: [String] = []
            for request in requests { ids.append(try await harness.client.createGeneration(request).id) }
            _ = try await harness.waitUntilFinal(ids)
            #expect(try await harness.client.createGeneration(requests[0]).deduplicatedFrom == ids[0])

            let today = Date()
            let (from, to) = (today.addingTimeInterval(-6 * 86400).day, today.day)
            let session = [try await harness.signIn().cookie]
            let page = try await harness.raw("GET", "/spend?from=\(from)&to=\(to)", headers: session, token: .some(nil))
            #expect(page.status == 200)
            let byModel = try await harness.client.spend(groupBy: .model, from: from, to: to)
            let byDay = try await harness.client.spend(groupBy: .day, from: from, to: to)
            let shown = Self.rows(in: page.body)
            for row in byModel.rows + byDay.rows {
                let cells = try #require(shown[row.key], "\(row.key) is on the page")
                #expect(cells.spent == row.spentUSD && cells.saved == row.savedUSD, "\(row.key)")
            }
            // Seven days in the day table and chart, the days without generations at zero.
            #expect(shown.keys.filter { $0.hasPrefix("20") }.count == 7)
            #expect(page.body.components(separatedBy: "<rect class=\"bar\"").count - 1 == 7 + byModel.rows.count)
            #expect(page.body.contains(String(format: "$%.2f", byModel.total.spentUSD)))
            #expect(page.body.contains(String(format: "$%.2f", byModel.total.savedUSD)) && byModel.total.dedupHits == 1)
            #expect(page.body.contains("data-figure=\"storage\""))
            #expect(try await harness.raw("GET", "/spend?from=yesterday", headers: session, token: .some(nil)).status == 400)
        }
    }

    /// The page's table rows: key → the exact figures they carry.
    static func rows(in html: String) -> [String: (spent: Double, saved: Double)] {
        var rows: [String: (Double, Double)] = [:]
        for part in html.components(separatedBy: "<tr data-key=\"").dropFirst() {
            let fields = part.components(separatedBy: "\"")
            guard fields.count > 5, let spent = Double(fields[2]), let saved = Double(fields[4]) else { continue }
            rows[fields[0].replacingOccurrences(of: "&quot;", with: "\"")] = (spent, saved)
        }
        return rows
    }
}

extension Date {
    /// `2026-11-25` (UTC).
    fileprivate var day: String { formatted(.iso8601.year().month().day()) }
}
