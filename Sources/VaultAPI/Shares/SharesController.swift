import Foundation
import Hummingbird
import Storage
import VaultContract
import Workers

/// Share links to a generation or a collection: `POST /v1/generations/{id}/share`, `POST /v1/collections/{id}/share`,
/// `DELETE /v1/shares/{id}`, and the public `/s/{token}` page with its files (`/s/{token}/video`, or for a collection
/// `/s/{token}/items/{generation}/video`). Tokens are random (256 bits) and stored hashed; expiry is checked on every
/// request.
struct SharesController<UseCases: ShareUseCases> {
    let archive: UseCases
    let maxLifetime: TimeInterval
    let baseURL: @Sendable (Request) -> String
    let pages: Pages
    let responder: BlobResponder

    func addAPIRoutes(to api: RouterGroup<VaultRequestContext>) {
        api.post("generations/{id}/share") { try await create($0, $1, subject: .generation(try $1.parameters.require("id"))) }
        api.get("generations/{id}/shares") { try await list($0, $1, subject: .generation(try $1.parameters.require("id"))) }
        api.post("collections/{id}/share") { try await create($0, $1, subject: .collection(try $1.parameters.require("id"))) }
        api.get("collections/{id}/shares") { try await list($0, $1, subject: .collection(try $1.parameters.require("id"))) }
        api.delete("shares/{id}", use: revoke)
    }

    func addPublicRoutes(to router: Router<VaultRequestContext>) {
        router.get("/s/{token}", use: page)
        router.get("/s/{token}/video", use: video)
        router.head("/s/{token}/video", use: video)
        router.get("/s/{token}/poster", use: poster)
        router.get("/s/{token}/items/{id}/video", use: video)
        router.head("/s/{token}/items/{id}/video", use: video)
        router.get("/s/{token}/items/{id}/poster", use: poster)
    }

    func create(_ request: Request, _ context: VaultRequestContext, subject: Share.Subject) async throws -> Response {
        let body = try await request.decodeJSON(
            ShareRequest.self, context: context, example: #"{"expires_in_s": 86400}"#, empty: ShareRequest())
        let lifetime = body.expiresInS ?? Vault.defaultShareLifetime
        guard lifetime >= 1, lifetime <= maxLifetime else {  // as the message (and the OpenAPI document) says
            throw APIError(
                status: .unprocessableContent, code: "invalid_expiry",
                message: "expires_in_s must be between 1 and \(Int(maxLifetime))")
        }
        guard
            let (token, share) = try await archive.createShare(subject, teamID: context.requireTeam().id, lifetime: lifetime)
        else { throw APIError.notFound(Self.noun(subject)) }
        let created = CreatedShare(id: share.id, url: "\(baseURL(request))/s/\(token)", expiresAt: share.expiresAt)
        return try EditedResponse(status: .created, response: created).response(from: request, context: context)
    }

    func list(_ request: Request, _ context: VaultRequestContext, subject: Share.Subject) async throws -> Response {
        guard let shares = try await archive.shares(of: subject, teamID: context.requireTeam().id)
        else { throw APIError.notFound(Self.noun(subject)) }
        let now = Date()
        let views = shares.map { share in
            ShareView(
                id: share.id, createdAt: share.createdAt, expiresAt: share.expiresAt, revokedAt: share.revokedAt,
                state: share.state(at: now))
        }
        return try EditedResponse(status: .ok, response: views).response(from: request, context: context)
    }

    static func noun(_ subject: Share.Subject) -> String {
        switch subject {
        case .generation: "generation"
        case .collection: "collection"
        }
    }

    @Sendable func revoke(_ request: Request, context: VaultRequestContext) async throws -> Response {
        guard try await archive.revokeShare(id: try context.parameters.require("id"), teamID: context.requireTeam().id)
        else { throw APIError.notFound("share") }
        return Response(status: .noContent)
    }

    @Sendable func page(_ request: Request, context: VaultRequestContext) async throws -> Response {
        let token = try context.parameters.require("token")
        switch try await archive.lookUpShare(token: token) {
        case .active(let share, let detail):
            let asset = detail.outputs.first?.asset
            let title = await archive.modelTitle(detail.generation.model)
            let language = PageLanguage(request)
            let posters = try await archive.derivedFiles(.poster, of: asset.map { [$0.sha256] } ?? [])
            let hasPoster = !posters.isEmpty
            let origin = baseURL(request)
            return pages.render(
                SharePage(
                    title: title, modelTitle: title, model: detail.generation.model,
                    prompt: detail.generation.prompt ?? "", videoURL: "/s/\(token)/video",
                    posterURL: hasPoster ? "/s/\(token)/poster" : nil, pageURL: "\(origin)/s/\(token)",
                    absoluteVideoURL: "\(origin)/s/\(token)/video",
                    absolutePosterURL: hasPoster ? "\(origin)/s/\(token)/poster" : nil,
                    summary: Self.summary(detail.generation.prompt ?? "", title: title),
                    videoType: asset?.contentType ?? "video/mp4", width: asset?.width, height: asset?.height,
                    duration: asset?.durationS.map { language.text("detail_seconds", ["seconds": String(format: "%.1f", $0)]) } ?? "",
                    resolution: asset?.resolution ?? "",
                    createdAt: language.moment(detail.generation.createdAt),
                    expiresAt: language.moment(share.expiresAt)),
                for: request)
        case .activeCollection(let share, let collection):
            return try await collectionPage(share: share, collection, token: token, request: request)
        case .expired:
            return pages.render(MessagePage(title: "msg_linkExpired", reason: "msg_linkExpiredReason"), for: request, status: .gone)
        case .revoked:
            return pages.render(MessagePage(title: "msg_linkRevoked", reason: "msg_linkRevokedReason"), for: request, status: .gone)
        case .unknown:
            return pages.render(MessagePage(title: "msg_notFound", reason: "msg_noSuchLink"), for: request, status: .notFound)
        }
    }

    /// What a chat app's preview says under the title: the prompt, cut at 200 characters.
    static func summary(_ prompt: String, title: String) -> String {
        let text = prompt.isEmpty ? title : prompt
        return text.count > 200 ? String(text.prefix(199)) + "…" : text
    }

    /// `/s/{token}/poster`: the shared video's poster (the page's `og:image`), while the link lives.
    @Sendable func poster(_ request: Request, context: VaultRequestContext) async throws -> Response {
        let (token, detail) = try await sharedGeneration(context)
        guard let video = detail.outputs.first?.asset,
            let made = try await archive.derivedFiles(.poster, of: [video.sha256])[video.sha256]
        else { throw APIError.notFound("poster") }
        return try await responder.respond(
            made, team: detail.generation.teamID ?? "share:\(token)", downloadName: "poster.jpg", request: request,
            context: context, cacheControl: "private, no-cache", redirectLifetime: ShareLinks.revocationWindow)
    }

    @Sendable func video(_ request: Request, context: VaultRequestContext) async throws -> Response {
        let (token, detail) = try await sharedGeneration(context)
        guard let asset = detail.outputs.first?.asset, await archive.blobs.contains(asset.sha256) else {
            throw APIError.notFound("file")
        }
        // A generation from before teams streams under its link's own cap, not one shared by all such links.
        return try await responder.respond(
            asset, team: detail.generation.teamID ?? "share:\(token)",
            downloadName: BlobResponder.fileName(
                model: detail.generation.model,
                createdAt: detail.generation.createdAt,
                sha256: asset.sha256, contentType: asset.contentType),
            request: request, context: context, cacheControl: "private, no-cache",
            redirectLifetime: ShareLinks.revocationWindow)
    }

    /// The link's token and the generation whose files are asked for, while the link lives: the shared generation,
    /// or for a collection's link the item named by `{id}`. 410 once the link expired or was revoked, 404 unknown.
    private func sharedGeneration(_ context: VaultRequestContext) async throws -> (token: String, detail: GenerationDetail) {
        let token = try context.parameters.require("token")
        let item = context.parameters.get("id")
        switch try await archive.lookUpShare(token: token) {
        case .active(_, let detail) where item == nil:
            return (token, detail)
        case .activeCollection(_, let collection):
            guard let item,
                let detail = try await archive.collectionItem(collectionID: collection.collection.id, generationID: item)
            else { throw APIError.notFound("file") }
            return (token, detail)
        case .active:
            throw APIError.notFound("file")
        case .expired, .revoked:
            throw APIError(status: .gone, code: "share_gone", message: "the link has expired or was revoked")
        case .unknown:
            throw APIError.notFound("share")
        }
    }
}

enum ShareLinks {
    /// How long a share link's file still works after the link is revoked or expires, at most: the lifetime of the
    /// presigned URL a link redirects to (object-store blobs served by redirect; a folder or a proxy stops at once).
    static let revocationWindow: Duration = .seconds(60)
}
