import Foundation
import VaultContract

/// The values of each server-rendered page, one struct per template. Mustache reads their properties; a nil
/// optional is an absent value (an empty section), never the text "nil". Words of the page come from the
/// language's table (`{{t.key}}`); values the server formats (dates, amounts) are formatted for the language
/// before they reach a view.
protocol PageView: Sendable {
    static var template: String { get }
    /// Properties holding a key of the language's table (or a text as is, when it is no key).
    static var translated: Set<String> { get }
    /// Whether the page loads the gallery's script (keyboard navigation).
    static var scripted: Bool { get }
}

extension PageView {
    static var translated: Set<String> { ["title"] }
    static var scripted: Bool { false }
}

/// A title and a sentence: errors, refusals, links that are gone. Either may be a key of the language's table.
struct MessagePage: PageView {
    static let template = "message"
    static let translated: Set<String> = ["title", "reason"]
    var title: String
    var reason: String
    /// Where to go from here (the gallery's page a bulk action came from).
    var back: String?
}

struct SignInPage: PageView {
    static let template = "login"
    var title = "page_signIn"
    var error: String?
    var csrf: String
}

/// The public page of a share link.
struct SharePage: PageView {
    static let template = "share"
    var title: String
    var modelTitle: String
    var model: String
    var prompt: String
    var videoURL: String
    var posterURL: String?
    /// Absolute addresses, for the Open Graph and Twitter card tags that chat apps unfurl a link with.
    var pageURL: String
    var absoluteVideoURL: String
    var absolutePosterURL: String?
    var summary: String
    var videoType: String
    var width: Int?
    var height: Int?
    var duration: String
    var resolution: String
    var createdAt: String
    var expiresAt: String
}

/// A shared collection: its videos, and the first one's for chat apps' previews (no preview tags when empty).
struct CollectionSharePage: PageView {
    static let template = "share-collection"
    /// The title is the collection's own name, never a key of the language's table.
    static let translated: Set<String> = []

    struct Item: Sendable {
        var videoURL: String
        var posterURL: String?
        var prompt: String
        var modelTitle: String
        var duration: String
        var videoType: String
        var width: Int?
        var height: Int?
    }

    var title: String
    var description: String?
    var items: [Item]
    var itemCount: String
    var pageURL: String?
    var absoluteVideoURL: String?
    var absolutePosterURL: String?
    var summary: String
    var videoType: String?
    var width: Int?
    var height: Int?
    var expiresAt: String
}

/// The links of a bulk share, one per generation.
struct BulkSharePage: PageView {
    static let template = "bulk-share"

    struct Link: Sendable {
        var id: String
        var prompt: String
        var url: String
    }

    var title = "page_bulkShare"
    var team: String
    var csrf: String
    var expires: String
    var links: [Link]
    /// How many of the selected were gone; nil when none.
    var missing: Int?
    var back: String
}

/// The question before a bulk delete, with the selection to send again.
struct BulkDeletePage: PageView {
    static let template = "bulk-delete"

    struct Item: Sendable {
        var id: String
        var prompt: String
        var model: String
    }

    var title = "page_bulkDelete"
    var team: String
    var csrf: String
    var count: Int
    var items: [Item]
    var back: String
}

/// A choice in a select: a model, a category, a status.
struct Option: Sendable {
    var value: String
    var title: String
    var selected: Bool

    init(value: String, title: String? = nil, selected: Bool) {
        self.value = value
        self.title = title ?? value
        self.selected = selected
    }
}

struct GalleryPage: PageView {
    static let template = "gallery"
    static let scripted = true

    struct Item: Sendable {
        var id: String
        var model: String
        var status: String
        var statusLabel: String
        var promptShort: String
        /// HTML: escaped prompt text with `<mark>` around the matches.
        var snippet: String?
        var created: String
        /// What the provider charged, once known.
        var cost: String?
        var favourite = false
        /// The video's poster; nil shows a placeholder with `placeholder`'s words.
        var posterURL: String?
        /// A few silent seconds the card plays while pointed at (the script loads it then, never before).
        var previewURL: String?
        var placeholder: String
        /// `0:08`, and `1280×720`, when the video is stored.
        var duration: String?
        var resolution: String?
        var tags: [String]
        var hasTags: Bool
    }

    var title = "page_gallery"
    var team: String
    var csrf: String
    var q: String
    var from: String
    var to: String
    var tag: String
    var count: String
    var favouritesOnly = false
    var items: [Item]
    /// This page's address, where bulk actions return.
    var back: String
    var error: String?
    /// Webhook endpoints disabled after failing, each in a sentence saying how to enable it again.
    var notices: [String] = []
    var next: String?
    var models: [Option]
    var categories: [Option]
    var statuses: [Option]
    /// The team's collections, for the bulk bar's "add to collection".
    var collections: [Option] = []
    var hasCollections = false
    /// The collection the gallery is showing, when it is filtered to one.
    var collection: ShownCollection?

    struct ShownCollection: Sendable {
        var id: String
        var name: String
        var description: String?
    }
}

/// Cards alone (`GET /g/cards`), rendered with the gallery's own card template.
struct CardsFragment: PageView {
    static let template = "cards"
    var items: [GalleryPage.Item]
    /// What the cards' star forms carry: the session's form token, and where they return.
    var csrf: String
    var back = "/"
}

/// `GET /g/cards`: each card's status and HTML.
struct LiveCards: Encodable, Sendable {
    struct Card: Encodable, Sendable {
        var id: String
        var status: String
        var html: String
    }

    var cards: [Card]
}

struct DetailPage: PageView {
    static let template = "detail"
    static let scripted = true

    struct Field: Sendable {
        var name: String
        var value: String
    }

    struct Event: Sendable {
        var at: String
        var kind: String
        var detail: String
    }

    struct InputFile: Sendable {
        var field: String
        var source: String
        var sha256: String?
        var isImage: Bool
        /// The image's small copy, once made (else the image itself is shown).
        var thumbnailURL: String?
        /// Why the file is not stored (yet): `downloading`, or the last error.
        var state: String
    }

    struct AssetFacts: Sendable {
        var sha256: String
        var size: String
        var duration: String
        var resolution: String
        var codec: String
    }

    var title: String
    var team: String
    var csrf: String
    var id: String
    var model: String
    var status: String
    var statusLabel: String
    var modelTitle: String
    var prompt: String
    var created: String
    var cost: String
    var tags: [String]
    var hasTags: Bool
    /// The tags as the edit form shows them (comma-separated), and the note.
    var tagsText: String
    var note: String
    var favourite: Bool
    /// What an action on the page could not do.
    var problem: String?
    var canCancel: Bool
    /// Not final: the page's script looks again until it is.
    var isPending: Bool
    var inputs: [Field]
    var history: [Event]
    var hasInputFiles: Bool
    var inputFiles: [InputFile]
    var error: String?
    /// The create may not have reached the provider: said, with a button to send it again.
    var canResend: Bool
    var videoURL: String?
    var posterURL: String?
    /// The generation this one was made from, and those made from it.
    var madeFrom: String?
    var remakes: [String]
    var hasRemakes: Bool
    var asset: AssetFacts?
    var shareURL: String?
    var shareExpires: String?
}

struct NewGenerationPage: PageView {
    static let template = "new"
    static let scripted = true  // file inputs: picked or dropped files are uploaded, then referenced

    /// One input of the model's schema as a form control.
    struct Field: Sendable {
        var name: String
        /// The schema's title, else the name in words (`image_url` → "Image URL"); the help under it.
        var label: String
        var help: String?
        /// For a field that takes a file: the kind (`image`, `video`, `audio`, `file`) and what a picker accepts.
        var media: String?
        var accept: String?
        var required: Bool
        var value: String
        var problem: String?
        var isEnum = false
        var options: [Option] = []
        var isText = false
        var isInput = false
        var isNumber = false
    }

    /// What a remake or variation would do before it is sent: its cost, and an identical request already archived.
    struct Plan: Sendable {
        var from: String
        var isVariation: Bool
        var cost: String
        var exactMatch: String?
    }

    var title = "page_new"
    var team: String
    var csrf: String
    var models: [Option]
    var error: String?
    var model: String?
    var fields: [Field]?
    var plan: Plan?
    /// Sent with the form: the generation it is made from, and whether it is a new take (`dedup` off).
    var madeFrom: String?
    var isVariation = false
}

struct SpendPage: PageView {
    static let template = "spend"

    struct Row: Sendable {
        var key: String
        var generations: Int
        var spent: String
        var unknownCost: Int
        var saved: String
        /// The figures exactly as `GET /v1/spend` gives them (for tools reading the page).
        var spentExact: String
        var savedExact: String

        init(_ row: SpendRow, _ language: PageLanguage) {
            (key, generations, unknownCost) = (row.key, row.generations, row.unknownCost)
            (spent, saved) = (language.dollars(row.spentUSD), language.dollars(row.savedUSD))
            (spentExact, savedExact) = ("\(row.spentUSD)", "\(row.savedUSD)")
        }
    }

    var title = "page_spend"
    var team: String
    var csrf: String
    var from: String
    var to: String
    var error: String?
    var spent = ""
    var saved = ""
    var generations = "0"
    var dedupHits = "0"
    var unknownCost = "0"
    var storage = ""
    var storageMeta = ""
    var monthSpent = ""
    var monthMeta = ""
    var notices: [String] = []
    var dayChart = ""
    var modelChart = ""
    var models: [Row] = []
    var days: [Row] = []

    init(team: String, csrf: String, from: String, to: String) {
        (self.team, self.csrf, self.from, self.to) = (team, csrf, from, to)
    }

    mutating func fill(models report: SpendReport, days: [SpendRow], storage bytes: Int64, in language: PageLanguage) {
        let total = report.total
        (spent, saved) = (language.dollars(total.spentUSD), language.dollars(total.savedUSD))
        generations = language.count(total.generations)
        dedupHits = language.count(total.dedupHits)
        unknownCost = language.count(total.unknownCost)
        storage = language.bytes(bytes)
        models = report.rows.map { Row($0, language) }
        self.days = days.map { Row($0, language) }
        modelChart = BarChart(
            bars: report.rows.map { .init(label: $0.key, value: $0.spentUSD, caption: language.dollars($0.spentUSD)) },
            title: language.text("spend_chartModel")
        ).rows()
        dayChart = BarChart(
            bars: days.map { .init(label: $0.key, value: $0.spentUSD, caption: language.dollars($0.spentUSD)) },
            title: language.text("spend_chartDay")
        ).columns()
        storageMeta = language.text("spend_stored")
    }

    /// This month's committed spend against the budget, and the storage against its limit.
    mutating func fill(budget status: TeamBudgetStatus, in language: PageLanguage) {
        monthSpent = language.dollars(status.spentUSD)
        monthMeta =
            status.budgetUSD.map { language.text("spend_thisMonthOfBudget", ["budget": language.dollars($0)]) }
            ?? language.text("spend_thisMonth")
        storage = language.bytes(status.storageBytes)
        if let limit = status.storageLimitBytes {
            storageMeta = language.text("spend_storedOfLimit", ["limit": language.bytes(limit)])
        }
    }

}

/// The team's named collections: each opens as the gallery filtered to it, shares as one link, or is deleted.
struct CollectionsPage: PageView {
    static let template = "collections"
    static let scripted = true  // the delete question

    struct Row: Sendable {
        var id: String
        var name: String
        var description: String?
        var items: String
        var updated: String
    }

    var title = "page_collections"
    var team: String
    var csrf: String
    var collections: [Row]
    var hasCollections: Bool
    /// A link just made (shown once).
    var link: String?
    var problem: String?
}

/// The team's settings: outgoing webhook endpoints, and (for a session of an admin token) the team's tokens.
struct SettingsPage: PageView {
    static let template = "settings"
    static let scripted = true  // the revoke question

    struct Endpoint: Sendable {
        var id: String
        var url: String
        var events: String
        var enabled: Bool
        var reason: String?
    }

    struct Token: Sendable {
        var id: String
        var name: String
        var scopes: String
        var created: String
        var lastUsed: String
        var revoked: String?
    }

    var title = "page_settings"
    var team: String
    var csrf: String
    var endpoints: [Endpoint]
    var isAdmin: Bool
    var tokens: [Token]
    /// A secret shown once (a new endpoint's or token's), and what it is.
    var revealed: String?
    var revealedLabel: String?
    var problem: String?
}

/// One endpoint's deliveries.
struct DeliveriesPage: PageView {
    static let template = "deliveries"

    struct Row: Sendable {
        var id: String
        var event: String
        var generation: String?
        var created: String
        var outcome: String
        var attempts: String
    }

    var title = "page_deliveries"
    var team: String
    var csrf: String
    var url: String
    var deliveries: [Row]
}
