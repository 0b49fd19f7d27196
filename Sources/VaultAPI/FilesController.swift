import Foundation
import Hummingbird
import Storage
import Transport
import Workers

/// `/v1/files/{sha256}`: a team's stored bytes, with byte-range support for video players.
struct FilesController<UseCases: FileUseCases> {
    let archive: UseCases
    let responder: BlobResponder

    func addRoutes(to group: RouterGroup<VaultRequestContext>) {
        group.get("{sha256}", use: serve)
        group.head("{sha256}", use: serve)
        for kind in DerivedKind.allCases {
            let serve = { @Sendable (request: Request, context: VaultRequestContext) in
                try await serveDerived(
                    kind, of: try context.parameters.require("sha256"), team: context.requireTeam(), request: request,
                    context: context)
            }
            group.get("{sha256}/\(kind.rawValue)", use: serve)
            group.head("{sha256}/\(kind.rawValue)", use: serve)
        }
    }

    /// The poster (a JPEG still) of one of `team`'s videos or images, or the preview (a few silent seconds, MP4,
    /// with ranges) of one of its videos: 404 while none is made, or for another team's file.
    func serveDerived(_ kind: DerivedKind, of sha256: String, team: Team, request: Request, context: VaultRequestContext)
        async throws -> Response
    {
        guard sha256.isSHA256Hex else { throw APIError.badRequest("a file id is 64 lowercase hex characters") }
        guard try await archive.file(sha256: sha256, teamID: team.id) != nil,
            let made = try await archive.derivedFiles(kind, of: [sha256])[sha256]
        else { throw APIError.notFound(kind.rawValue) }
        return try await responder.respond(
            made, team: team.id, downloadName: "\(sha256.prefix(12))-\(kind).\(kind.fileExtension)", request: request, context: context,
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
            asset, team: team.id,
            downloadName: BlobResponder.fileName(
                model: owner?.model ?? "upload", createdAt: owner?.createdAt,
                sha256: sha256, contentType: asset.contentType),
            request: request, context: context, cacheControl: "private, max-age=31536000, immutable")
    }
}
