import Archive
import Foundation
import Hummingbird
import Workers

/// `/v1/files/{sha256}`: a team's stored bytes, with byte-range support for video players.
struct FilesController {
    let vault: Vault

    func addRoutes(to group: RouterGroup<VaultRequestContext>) {
        group.get("{sha256}", use: serve)
        group.head("{sha256}", use: serve)
    }

    @Sendable func serve(_ request: Request, context: VaultRequestContext) async throws -> Response {
        let sha256 = context.parameters.get("sha256") ?? ""
        guard Self.isDigest(sha256) else { throw APIError.badRequest("a file id is 64 lowercase hex characters") }
        let team = try context.requireTeam()
        guard let asset = try vault.database.asset(sha256: sha256, teamID: team.id), vault.blobs.contains(sha256) else {
            throw APIError.notFound("file")
        }
        // Named after the newest generation holding it; a file only uploaded so far is named after itself.
        let owner = try vault.database.latestGeneration(holding: sha256, teamID: team.id)
        return try await BlobResponder(vault: vault).respond(
            asset, downloadName: BlobResponder.fileName(model: owner?.model ?? "upload", createdAt: owner?.createdAt
                                                            ?? asset.storedAt, sha256: sha256, contentType: asset.contentType),
            request: request, context: context, cacheControl: "private, max-age=31536000, immutable")
    }

    static func isDigest(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}
