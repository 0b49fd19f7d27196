import Archive
import EachLabs
import Foundation
import HTTPTypes
import Hummingbird
import VaultContract
import Workers

/// Search and filter, a generation's page, sharing it, and the files the pages show.
extension GalleryController {
    /// `/g/files/{sha256}`: the team's stored files for the gallery's video players and images (the session
    /// cookie opens these; the API's `/v1/files` takes a bearer token only).
    @Sendable func file(_ request: Request, context: VaultRequestContext) async throws -> Response {
        guard let (team, _) = try await session(request).signedIn(request) else { throw APIError.notFound("file") }
        return try await FilesController(vault: vault).serve(
            try context.parameters.require("sha256"), team: team,
            request: request, context: context)
    }

    @Sendable func gallery(_ request: Request, context: VaultRequestContext) async throws -> Response {
        guard let (team, formToken) = try await session(request).signedIn(request) else {
            return .redirect(to: "/login", type: .normal)
        }
        let parameters = request.uri.queryParameters
        func value(_ name: String) -> String? { parameters.get(name).flatMap { $0.isEmpty ? nil : $0 } }
        var page = SearchPage(hits: [], nextCursor: nil)
        var details: [GenerationDetail] = []
        var problem: String?
        do {
            let query = try GenerationQuery(teamID: team.id, parameters: parameters, defaultLimit: 60)
            let results = try await vault.search(query)
            (page, details) = (results.page, results.details)
        } catch let error as APIError {
            problem = error.message
        } catch let error as SearchError {
            problem = error.description
        }
        let snippets = Dictionary(page.hits.map { ($0.generation.id, $0.snippet?.html) }, uniquingKeysWith: { a, _ in a })
        let day = DateFormatter.galleryDay
        let models = try await vault.cachedModels()
        let items: [[String: Any]] = details.map { detail in
            let prompt = detail.generation.prompt ?? detail.generation.model
            return [
                "id": detail.generation.id, "model": detail.generation.model,
                "status": detail.generation.status.rawValue,
                "promptShort": prompt.count > 90 ? String(prompt.prefix(89)) + "…" : prompt,
                "snippet": (snippets[detail.generation.id] ?? nil) as Any,
                "created": day.string(from: detail.generation.createdAt),
                "videoURL": detail.outputs.first?.asset.map { "/g/files/\($0.sha256)" } as Any,
            ]
        }
        return pages.render(
            "gallery",
            [
                "title": "Gallery", "team": team.name, "csrf": formToken, "q": value("q") ?? "", "from": value("from") ?? "",
                "to": value("to") ?? "", "tag": value("tag") ?? "", "count": items.count, "items": items,
                "error": problem as Any, "next": page.nextCursor.map { nextPageLink(request, cursor: $0) } as Any,
                "models": models.map { ["slug": $0.slug, "title": $0.title, "selected": $0.slug == value("model")] },
                "categories": Set(models.compactMap(\.category)).sorted().map { ["value": $0, "selected": $0 == value("category")] },
                "statuses": GenerationStatus.allCases.map { ["value": $0.rawValue, "selected": $0.rawValue == value("status")] },
            ])
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
        guard let (team, formToken) = try await session(request).signedIn(request) else {
            return .redirect(to: "/login", type: .normal)
        }
        return try await renderDetail(
            id: try context.parameters.require("id"), team: team, formToken: formToken,
            share: nil)
    }

    @Sendable func share(_ request: Request, context: VaultRequestContext) async throws -> Response {
        guard let (team, formToken) = try await session(request).signedIn(request) else {
            return .redirect(to: "/login", type: .normal)
        }
        guard GallerySession.acceptsPost(request, form: try await FormBody(request), cookie: GallerySession.cookie) else {
            return forbidden()
        }
        let id = try context.parameters.require("id")
        guard
            let (token, share) = try await vault.createShare(
                generationID: id, teamID: team.id,
                lifetime: Vault.defaultShareLifetime)
        else { return pages.render("share-gone", ["title": "Not found", "reason": "No such generation."], status: .notFound) }
        return try await renderDetail(
            id: id, team: team, formToken: formToken,
            share: ("\(baseURL(request))/s/\(token)", share.expiresAt))
    }

    func renderDetail(id: String, team: Team, formToken: String, share: (url: String, expires: Date)?)
        async throws -> Response
    {
        guard let detail = try await vault.generationDetail(id: id, teamID: team.id) else {
            return pages.render("share-gone", ["title": "Not found", "reason": "No such generation."], status: .notFound)
        }
        let generation = detail.generation
        let asset = detail.outputs.first?.asset
        let stamp = ISO8601DateFormatter()
        var values: [String: Any] = [
            "title": generation.prompt.map { String($0.prefix(60)) } ?? generation.id, "team": team.name,
            "csrf": formToken,
            "id": generation.id, "model": generation.model, "status": generation.status.rawValue,
            "modelTitle": await vault.modelTitle(generation.model),
            "prompt": generation.prompt ?? "", "created": stamp.string(from: generation.createdAt),
            "cost": generation.costUSD.map { String(format: "$%.2f", $0) } ?? "unknown",
            "inputs": generation.input.keys.sorted().map { ["name": $0, "value": generation.input[$0]?.displayText ?? ""] },
            "history": detail.events.map { ["at": stamp.string(from: $0.at), "kind": $0.kind, "detail": $0.detail ?? ""] },
            "hasInputFiles": !detail.inputs.isEmpty,
            "inputFiles": detail.inputs.map { stored -> [String: Any] in
                [
                    "field": stored.input.field, "source": stored.input.sourceURL,
                    "sha256": stored.asset?.sha256 as Any, "isImage": stored.asset?.contentType.hasPrefix("image/") == true,
                    "state": stored.asset == nil ? (stored.input.lastError ?? "downloading") : "",
                ]
            },
        ]
        if let code = generation.errorCode { values["error"] = "\(code): \(generation.errorMessage ?? "")" }
        if let asset {
            values["videoURL"] = "/g/files/\(asset.sha256)"
            values["asset"] = [
                "sha256": asset.sha256,
                "size": ByteCountFormatter.string(fromByteCount: asset.size, countStyle: .file) + " (\(asset.size) bytes)",
                "duration": asset.durationS.map { String(format: "%.2f s", $0) } ?? "unknown",
                "resolution": asset.width.map { "\($0)×\(asset.height ?? 0)" } ?? "unknown",
                "codec": (asset.videoCodec ?? "?") + ((asset.hasAudio ?? false) ? " with audio" : ""),
            ]
        }
        if let share {
            values["shareURL"] = share.url
            values["shareExpires"] = stamp.string(from: share.expires)
        }
        return pages.render("detail", values)
    }
}
