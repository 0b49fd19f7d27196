import Archive
import Foundation
import HTTPSupport
import HTTPTypes
import Hummingbird
import Workers

/// Answers for a stored blob, for the API and share links alike: validators, conditional requests, RFC 9110
/// ranges, and the bytes streamed from disk in chunks (memory stays flat whatever the file size).
struct BlobResponder: Sendable {
    let vault: Vault
    let fileIO = FileIO()

    /// - Parameter downloadName: with `?download=1`, the file name offered to save as.
    func respond(_ asset: Asset, downloadName: String, request: Request, context: some RequestContext,
                 cacheControl: String) async throws -> Response {
        let etag = "\"\(asset.sha256)\""
        var headers: HTTPFields = [
            .contentType: asset.contentType,
            .eTag: etag,
            .lastModified: Self.httpDate(asset.storedAt),
            .cacheControl: cacheControl,
        ]
        if request.uri.queryParameters.get("download") == "1" {
            headers[.contentDisposition] = "attachment; filename=\"\(downloadName)\""
        }
        if let match = request.headers[.ifNoneMatch], match.split(separator: ",").contains(where: {
            let tag = $0.trimmingCharacters(in: .whitespaces)
            return tag == etag || tag == "W/\(etag)" || tag == "*"
        }) {
            return Response(status: .notModified, headers: headers)
        }
        var rangeHeader = request.headers[.range]
        if let condition = request.headers[.ifRange], condition != etag { rangeHeader = nil }
        let decision = RangeDecision(rangeHeader: rangeHeader, size: asset.size)
        headers.setRange(decision, size: asset.size)
        guard request.method != .head, let range = decision.bytes(size: asset.size) else {
            return Response(status: decision.status, headers: headers, body: ResponseBody())
        }
        let body = try await fileIO.loadFile(
            path: vault.blobs.url(for: asset.sha256).path, range: Int(range.lowerBound)...Int(range.upperBound),
            context: context)
        return Response(status: decision.status, headers: headers, body: body)
    }

    /// `model-2026-11-25-1a2b3c4d.mp4`: readable, and safe inside a quoted header value.
    static func fileName(model: String, createdAt: Date, sha256: String, contentType: String) -> String {
        let day = ISO8601DateFormatter.string(from: createdAt, timeZone: .gmt, formatOptions: [.withFullDate])
        let safeModel = String(model.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) || $0 == "-" })
        let extensions = ["video/mp4": "mp4", "video/quicktime": "mov", "video/webm": "webm", "image/png": "png",
                          "image/jpeg": "jpg", "image/webp": "webp", "image/gif": "gif", "audio/mpeg": "mp3",
                          "audio/wav": "wav", "audio/mp4": "m4a", "audio/ogg": "ogg", "audio/flac": "flac"]
        return "\(safeModel)-\(day)-\(sha256.prefix(8)).\(extensions[contentType] ?? "bin")"
    }

    static func httpDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }
}
