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
