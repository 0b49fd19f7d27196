import Archive
import EachLabs
import Foundation
import HTTPSupport
import Hummingbird
import Transport
import VaultContract
import Workers

/// `POST /v1/uploads`: a local file streamed into the team's archive (raw body, any media type), to be used as an
/// input by reference: `"image_url": "sha256:<hex>"`. Flat memory however large (up to the provider's 100 MB).
/// The file's type is what its bytes show (media sniffed, else `application/octet-stream`), never what was declared.
struct UploadsController<UseCases: UploadUseCases> {
    let archive: UseCases
    let baseURL: @Sendable (Request) -> String

    func addRoutes(to group: RouterGroup<VaultRequestContext>) {
        group.post("uploads", use: upload)
    }

    @Sendable func upload(_ request: Request, context: VaultRequestContext) async throws -> Response {
        let team = try context.requireTeam()
        // The stored type is read from the bytes; a declared one must still be a media type (RFC 9110).
        if let declared = request.headers[.contentType], HTTPSyntax.mediaTypeEssence(of: declared) == nil {
            throw APIError(
                status: .unsupportedMediaType, code: "unsupported_media_type",
                message: "Content-Type must be a media type like image/png (or application/octet-stream)")
        }
        if let low = archive.lowDiskSpace() { throw low }  // 507 with Retry-After, before a byte is written
        let tempFile = archive.blobs.partialFile(for: "upload-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: tempFile) }  // gone once committed; removed on failure
        let sink = try FileSink(appendingTo: tempFile)
        for try await buffer in request.body {
            guard sink.byteCount + Int64(buffer.readableBytes) <= PresignedUpload.maxBytes else {
                throw APIError(
                    status: .contentTooLarge, code: "too_large",
                    message: "uploads may be at most \(PresignedUpload.maxBytes) bytes (the provider's limit)")
            }
            try buffer.withUnsafeReadableBytes { try sink.write($0) }
        }
        guard sink.byteCount > 0 else { throw APIError.badRequest("the body is empty: send the file's bytes") }
        let sha256 = try sink.finish()
        let asset = try await archive.storeLocalFile(tempFile, sha256: sha256, size: sink.byteCount, teamID: team.id)
        let uploaded = UploadedFile(
            sha256: asset.sha256, size: asset.size, contentType: asset.contentType,
            reference: "sha256:\(asset.sha256)", url: "\(baseURL(request))/v1/files/\(asset.sha256)")
        return try EditedResponse(status: .created, response: uploaded).response(from: request, context: context)
    }
}
