import EachLabs
import Foundation
import HTTPTypes
import Hummingbird
import Storage
import VaultContract
import VaultDomain
import Workers

/// Search and filter, a generation's page, sharing it, and the files the pages show.
extension GalleryController {
    /// `/g/files/{sha256}`: the team's stored files for the gallery's video players and images (the session
    /// cookie opens these; the API's `/v1/files` takes a bearer token only).
    @Sendable func file(_ request: Request, context: VaultRequestContext) async throws -> Response {
        try await FilesController(archive: archive, responder: responder).serve(
            try context.parameters.require("sha256"), team: context.requireVisit().team, request: request,
            context: context)
    }

    /// `/g/files/{sha256}/poster` and `/preview`: the poster of one of the team's videos or images, or the preview
    /// of one of its videos, for the cards.
    func derived(_ kind: DerivedKind, _ request: Request, _ context: VaultRequestContext) async throws -> Response {
        try await FilesController(archive: archive, responder: responder).serveDerived(
            kind, of: try context.parameters.require("sha256"), team: context.requireVisit().team, request: request,
            context: context)
    }

    @Sendable func gallery(_ request: Request, context: VaultRequestContext) async throws -> Response {
        let visit = try context.requireVisit()
        let language = PageLanguage(request)
        let text = language.text
        let parameters = request.uri.queryParameters
        func value(_ name: String) -> String? { parameters.get(name).flatMap { $0.isEmpty ? nil : $0 } }
        var page = SearchPage(hits: [], nextCursor: nil)
        var details: [GenerationDetail] = []
        var problem: String?
        do {
            let query = try GenerationQuery(teamID: visit.team.id, parameters: parameters, defaultLimit: 60)
            let results = try await archive.search(query)
            (page, details) = (results.page, results.details)
        } catch let error as APIError {
            problem = error.message
        } catch let error as SearchError {
            problem = error.description
        }
        let snippets = Dictionary(page.hits.map { ($0.generation.id, $0.snippet?.html) }, uniquingKeysWith: { a, _ in a })
        let models = try await archive.cachedModels()
        let budgetNotices = try await archive.budgetStatus(teamID: visit.team.id).map { Self.budgetNotices($0, language) } ?? []
        let failing = try await archive.endpoints(teamID: visit.team.id).filter { !$0.enabled && $0.disabledReason != "disabled by the team" }
        let items = try await cards(details, snippets: snippets, language: language)
        let collections = try await archive.collections(teamID: visit.team.id).map(\.collection)
        let shown = collections.first { $0.id == value("collection") }
        return pages.render(
            GalleryPage(
                team: visit.team.name, csrf: visit.formToken, q: value("q") ?? "", from: value("from") ?? "",
                to: value("to") ?? "", tag: value("tag") ?? "", count: language.count(items.count),
                favouritesOnly: value("favourite") == "true", items: items,
                back: request.pageAddress, error: problem,
                notices: budgetNotices
                    + failing.map {
                        text("msg_endpointDisabled", ["url": $0.url, "reason": $0.disabledReason ?? "disabled", "id": $0.id])
                    },
                next: page.nextCursor.map { nextPageLink(request, cursor: $0) },
                models: models.map { Option(value: $0.slug, title: $0.title, selected: $0.slug == value("model")) },
                categories: Set(models.compactMap(\.category)).sorted().map { Option(value: $0, selected: $0 == value("category")) },
                statuses: GenerationStatus.allCases.map {
                    Option(value: $0.rawValue, title: text("status_\($0.rawValue)"), selected: $0.rawValue == value("status"))
                },
                collections: collections.map { Option(value: $0.id, title: $0.name, selected: $0.id == shown?.id) },
                hasCollections: !collections.isEmpty,
                collection: shown.map { .init(id: $0.id, name: $0.name, description: $0.description) }),
            for: request)
    }

    /// The cards of `details`: poster or placeholder, preview, status, cost, tags.
    func cards(_ details: [GenerationDetail], snippets: [String: String?] = [:], language: PageLanguage) async throws
        -> [GalleryPage.Item]
    {
        let text = language.text
        let videos = details.compactMap { $0.outputs.first?.asset }
        let posters = try await archive.derivedFiles(.poster, of: videos.map(\.sha256))
        let previews = try await archive.derivedFiles(.preview, of: videos.map(\.sha256))
        return details.map { detail in
            let video = detail.outputs.first?.asset
            let status = text("status_\(detail.generation.status.rawValue)")
            return GalleryPage.Item(
                id: detail.generation.id, model: detail.generation.model, status: detail.generation.status.rawValue,
                statusLabel: status, promptShort: Self.shortPrompt(detail.generation),
                snippet: snippets[detail.generation.id] ?? nil, created: language.day(detail.generation.createdAt),
                cost: detail.generation.costUSD.map(language.dollars), favourite: detail.generation.favourite,
                posterURL: video.flatMap { posters[$0.sha256] == nil ? nil : "/g/files/\($0.sha256)/poster" },
                previewURL: video.flatMap { previews[$0.sha256] == nil ? nil : "/g/files/\($0.sha256)/preview" },
                placeholder: video == nil ? status : text("gallery_noPoster"),
                duration: video?.durationS.map(Self.clockTime), resolution: video?.resolution,
                tags: detail.generation.tags, hasTags: !detail.generation.tags.isEmpty)
        }
    }

    /// `GET /g/cards?ids=a,b`: the cards of the team's generations as they stand, each as HTML, for the script
    /// that keeps pending cards (and a pending generation's page) up to date without a reload. At most 60 ids.
    @Sendable func liveCards(_ request: Request, context: VaultRequestContext) async throws -> Response {
        let visit = try context.requireVisit()
        let ids = (request.uri.queryParameters.get("ids") ?? "").split(separator: ",").prefix(60).map(String.init)
        var query = GenerationQuery(teamID: visit.team.id, limit: 60)
        query.ids = Array(Set(ids.filter { $0.utf8.count <= 64 }))
        // One search for all of them: their files in two queries, not a detail (with its history) per card.
        let details = try await archive.search(query).details
        let language = PageLanguage(request)
        let items = try await cards(details, language: language)
        let answer = LiveCards(
            cards: items.map { item in
                LiveCards.Card(id: item.id, status: item.status, html: pages.html(CardsFragment(items: [item], csrf: visit.formToken), for: request))
            })
        var response = try EditedResponse(status: .ok, response: answer).response(from: request, context: context)
        response.headers[HTTPField.Name.cacheControl] = "no-store"
        return response
    }

    /// `0:08`, `12:30`, `1:02:03`: a video's length as players show it.
    static func clockTime(_ seconds: Double) -> String {
        let whole = seconds.isFinite ? Int(min(max(seconds.rounded(), 0), 359_999)) : 0
        let (hours, minutes, rest) = (whole / 3600, whole / 60 % 60, whole % 60)
        return hours > 0
            ? "\(hours):\(String(format: "%02d", minutes)):\(String(format: "%02d", rest))"
            : "\(minutes):\(String(format: "%02d", rest))"
    }

    /// This page's address with the cursor of the next page.
    func nextPageLink(_ request: Request, cursor: SearchCursor) -> String {
        var components = URLComponents()
        components.queryItems =
            request.uri.queryParameters.filter { $0.key != "cursor" }
            .map { URLQueryItem(name: String($0.key), value: String($0.value)) }
            + [URLQueryItem(name: "cursor", value: cursor.token)]
        return "/?" + (components.percentEncodedQuery ?? "")
    }

    @Sendable func detail(_ request: Request, context: VaultRequestContext) async throws -> Response {
        try await renderDetail(
            id: try context.parameters.require("id"), visit: context.requireVisit(), share: nil, request: request)
    }

    @Sendable func share(_ request: Request, context: VaultRequestContext) async throws -> Response {
        let visit = try context.requireVisit()
        let id = try context.parameters.require("id")
        guard
            let (token, share) = try await archive.createShare(.generation(id), teamID: visit.team.id, lifetime: Vault.defaultShareLifetime)
        else { return notFound(request) }
        return try await renderDetail(
            id: id, visit: visit, share: ("\(baseURL(request))/s/\(token)", share.expiresAt), request: request)
    }

    /// Sends again a create that may not have reached the provider, then shows the generation.
    @Sendable func resend(_ request: Request, context: VaultRequestContext) async throws -> Response {
        let visit = try context.requireVisit()
        let id = try context.parameters.require("id")
        _ = try await archive.resendCreate(id: id, teamID: visit.team.id)  // the page shows the state either way
        return try await renderDetail(id: id, visit: visit, share: nil, request: request)
    }

    /// - Parameter problem: what an action on the page could not do, shown above it (with 422).
    func renderDetail(
        id: String, visit: GalleryVisit, share: (url: String, expires: Date)?, request: Request, problem: String? = nil
    ) async throws -> Response {
        guard let detail = try await archive.generationDetail(id: id, teamID: visit.team.id) else {
            return notFound(request)
        }
        let language = PageLanguage(request)
        let text = language.text
        let generation = detail.generation
        let asset = detail.outputs.first?.asset
        let posters = try await archive.derivedFiles(
            .poster,
            of: detail.outputs.compactMap { $0.asset?.sha256 } + detail.inputs.compactMap { $0.asset?.sha256 })
        let remakes = try await archive.remakes(of: generation.id, teamID: visit.team.id).map(\.id)
        return pages.render(
            DetailPage(
                title: generation.prompt.map { String($0.prefix(60)) } ?? generation.id, team: visit.team.name,
                csrf: visit.formToken, id: generation.id, model: generation.model, status: generation.status.rawValue,
                statusLabel: text("status_\(generation.status.rawValue)"),
                modelTitle: await archive.modelTitle(generation.model), prompt: generation.prompt ?? "",
                created: language.moment(generation.createdAt),
                cost: generation.costUSD.map(language.dollars) ?? text("detail_unknown"),
                tags: generation.tags, hasTags: !generation.tags.isEmpty, tagsText: generation.tags.joined(separator: ", "),
                note: generation.note ?? "", favourite: generation.favourite, problem: problem,
                canCancel: !generation.status.isFinal && generation.status != .downloading,
                isPending: !generation.status.isFinal,
                inputs: generation.input.keys.sorted().map {
                    DetailPage.Field(name: $0, value: generation.input[$0]?.displayText ?? "")
                },
                history: detail.events.map {
                    DetailPage.Event(at: language.moment($0.at), kind: $0.kind, detail: $0.detail ?? "")
                },
                hasInputFiles: !detail.inputs.isEmpty,
                inputFiles: detail.inputs.map { stored in
                    DetailPage.InputFile(
                        field: stored.input.field, source: stored.input.sourceURL, sha256: stored.asset?.sha256,
                        isImage: stored.asset?.contentType.hasPrefix("image/") == true,
                        thumbnailURL: stored.asset.flatMap { posters[$0.sha256] == nil ? nil : "/g/files/\($0.sha256)/poster" },
                        state: stored.asset == nil ? (stored.input.lastError ?? text("detail_downloading")) : "")
                },
                error: generation.errorCode.map { "\($0): \(generation.errorMessage ?? "")" },
                canResend: generation.predictionID == nil
                    && ((generation.status == .pending && generation.submitUncertainSince != nil)
                        || (generation.status == .failed && generation.errorCode == "submit_uncertain")),
                videoURL: asset.map { "/g/files/\($0.sha256)" },
                posterURL: asset.flatMap { posters[$0.sha256] == nil ? nil : "/g/files/\($0.sha256)/poster" },
                madeFrom: generation.madeFrom,
                remakes: remakes, hasRemakes: !remakes.isEmpty,
                asset: asset.map { asset in
                    DetailPage.AssetFacts(
                        sha256: asset.sha256,
                        size: language.bytes(asset.size) + " (\(asset.size) B)",
                        duration: asset.durationS.map { text("detail_seconds", ["seconds": String(format: "%.2f", $0)]) }
                            ?? text("detail_unknown"),
                        resolution: asset.resolution ?? text("detail_unknown"),
                        codec: (asset.videoCodec ?? "?") + ((asset.hasAudio ?? false) ? " " + text("detail_withAudio") : ""))
                },
                shareURL: share?.url, shareExpires: share.map { language.moment($0.expires) }),
            for: request, status: problem == nil ? .ok : .unprocessableContent)
    }
}

extension Date {
    /// The UTC day as the API writes it: `2026-11-25`.
    var isoDay: String { formatted(.iso8601.year().month().day()) }
}

extension LiveCards: ResponseEncodable {}
