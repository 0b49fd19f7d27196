import EachLabs
import Foundation
import HTTPSupport
import Hummingbird
import Storage
import Transport
import VaultContract
import Workers

/// `POST /v1/uploads`: a local file streamed into the team's archive (raw body, any media type), to be used as an
/// input by reference: `"image_url": "sha256:<hex>"`. Flat memory however large (up to the provider's 100 MB).
/// The file's type is what its bytes show (media sniffed, else `application/octet-stream`), never what was declared.
struct UploadsController<UseCases: UploadUseCases> {
    let archive: UseCases
    let baseURL: @Sendable (Request) -> String
    /// Uploads in progress per team.
    let slots = TeamSlots(limit: Self.uploadsPerTeam)
    static var uploadsPerTeam: Int { 4 }

    func addRoutes(to group: RouterGroup<VaultRequestContext>) {
        group.post("uploads", use: upload)
    }

    /// An upload must average `minimumBytesPerSecond` once `paceGrace` has passed: one trickling a byte every few
    /// seconds (never idle long enough for the idle timeout) would otherwise hold its connection and temp file for
    /// ever. 100 MB at this pace takes under two hours.
    static var minimumBytesPerSecond: Int { 16 << 10 }
    static var paceGrace: Duration { .seconds(30) }

    static func checkPace(bytes: Int64, since started: ContinuousClock.Instant) throws {
        let elapsed = (ContinuousClock.now - started).seconds
        guard elapsed > paceGrace.seconds, Double(bytes) / elapsed < Double(minimumBytesPerSecond) else { return }
        throw APIError(
            status: .requestTimeout, code: "too_slow",
            message: "the upload arrived at under \(minimumBytesPerSecond >> 10) KB/s; send it again on a faster link")
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
        guard slots.take(team.id) else {
            throw APIError(
                status: .tooManyRequests, code: "too_many_uploads",
                message: "the team has \(Self.uploadsPerTeam) uploads in progress; send this one when one ends",
                retryAfter: 5)
        }
        defer { slots.give(team.id) }
        let tempFile = archive.blobs.partialFile(for: "upload-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: tempFile) }  // gone once committed; removed on failure
        let sink = try FileSink(appendingTo: tempFile)
        let started = ContinuousClock.now
        for try await buffer in request.body {
            try Self.checkPace(bytes: sink.byteCount, since: started)
            guard sink.byteCount + Int64(buffer.readableBytes) <= PresignedUpload.maxBytes else {
                throw APIError(
                    status: .contentTooLarge, code: "too_large",
                    message: "uploads may be at most \(PresignedUpload.maxBytes) bytes (the provider's limit)")
            }
            // The sink waits when its buffers are all on their way to the disk: on a thread of its own.
            try await Blocking.run { try buffer.withUnsafeReadableBytes { try sink.write($0) } }
        }
        guard sink.byteCount > 0 else { throw APIError.badRequest("the body is empty: send the file's bytes") }
        let sha256 = try await Blocking.run { try sink.finish() }
        let asset = try await archive.storeLocalFile(tempFile, sha256: sha256, size: sink.byteCount, teamID: team.id)
        let uploaded = UploadedFile(
            sha256: asset.sha256, size: asset.size, contentType: asset.contentType,
            reference: "sha256:\(asset.sha256)", url: "\(baseURL(request))/v1/files/\(asset.sha256)")
        return try EditedResponse(status: .created, response: uploaded).response(from: request, context: context)
    }
}
