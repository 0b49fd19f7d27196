import Archive
import Foundation
import Hummingbird
import Transport
import Workers

/// `/v1/files/{sha256}`: a team's stored bytes, with byte-range support for video players.
struct FilesController<UseCases: FileUseCases> {
    let archive: UseCases
    let responder: BlobResponder

    func addRoutes(to group: RouterGroup<VaultRequestContext>) {
        group.get("{sha256}", use: serve)
        group.head("{sha256}", use: serve)
        group.get("{sha256}/poster", use: servePoster)
        group.head("{sha256}/poster", use: servePoster)
    }

    @Sendable func servePoster(_ request: Request, context: VaultRequestContext) async throws -> Response {
        try await servePoster(
            try context.parameters.require("sha256"), team: context.requireTeam(), request: request,
            context: context)
    }

    /// The poster of one of `team`'s videos or images (a JPEG still): 404 while none is made, or for another
    /// team's file.
    func servePoster(_ sha256: String, team: Team, request: Request, context: VaultRequestContext) async throws
        -> Response
    {
        guard sha256.isSHA256Hex else { throw APIError.badRequest("a file id is 64 lowercase hex characters") }
        guard try await archive.file(sha256: sha256, teamID: team.id) != nil,
            let poster = try await archive.posters(of: [sha256])[sha256]
        else { throw APIError.notFound("poster") }
        return try await responder.respond(
            poster, downloadName: "\(sha256.prefix(12))-poster.jpg", request: request, context: context,
            cacheControl: "private, max-age=31536000, immutable")
    }

    @Sendable func serve(_ request: Request, context: VaultRequestContext) async throws -> Response {
        try await serve(
            try context.parameters.require("sha256"), team: context.requireTeam(), request: request,
            context: context)
    }

    /// One of `team`'s files (the API's and the gallery's route alike); another team's file is not found.
    func serve(_ sha256: String, team: Team, request: Request, context: VaultRequestContext) async throws -> Response {
        guard sha256.isSHA256Hex else { throw APIError.badRequest("a file id is 64 lowercase hex characters") }
        // Named after the newest generation holding it; a file only uploaded so far is named after itself.
        guard let (asset, owner) = try await archive.file(sha256: sha256, teamID: team.id) else {
            throw APIError.notFound("file")
        }
        return try await responder.respond(
            asset,
            downloadName: BlobResponder.fileName(
                model: owner?.model ?? "upload", createdAt: owner?.createdAt,
                sha256: sha256, contentType: asset.contentType),
            request: request, context: context, cacheControl: "private, max-age=31536000, immutable")
    }
}
