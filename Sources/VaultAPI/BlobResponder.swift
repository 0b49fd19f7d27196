import Archive
import Foundation
import HTTPSupport
import HTTPTypes
import Hummingbird
import Workers

/// Answers for a stored blob, for the API and share links alike: validators, conditional requests, RFC 9110
/// ranges, and the bytes streamed from disk in chunks (memory stays flat whatever the file size).
struct BlobResponder: Sendable {
    let blobs: BlobStore
    let fileIO = FileIO()

    /// - Parameter downloadName: with `?download=1`, the file name offered to save as.
    func respond(
        _ asset: Asset, downloadName: String, request: Request, context: some RequestContext,
        cacheControl: String
    ) async throws -> Response {
        let etag = "\"\(asset.sha256)\""
        // Only recognised media is served as itself; anything else is an opaque download that no browser renders.
        // No Last-Modified: blobs are shared by content, and the first storer's time would tell one team that
        // another holds the same file (the ETag, the content's own digest, serves caching).
        var headers: HTTPFields = [
            .contentType: asset.isRecognisedMedia ? asset.contentType : Asset.opaqueContentType,
            .eTag: etag,
            .cacheControl: cacheControl,
            .xContentTypeOptions: "nosniff",
            .contentSecurityPolicy: "sandbox; default-src 'none'; media-src 'self'",
        ]
        if request.uri.queryParameters.get("download") == "1" || !asset.isRecognisedMedia {
            headers[.contentDisposition] = "attachment; filename=\"\(downloadName)\""
        }
        if let match = request.headers[.ifNoneMatch],
            match.split(separator: ",").contains(where: {
                let tag = $0.trimmingCharacters(in: .whitespaces)
                return tag == etag || tag == "W/\(etag)" || tag == "*"
            })
        {
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
            path: blobs.url(for: asset.sha256).path, range: Int(range.lowerBound)...Int(range.upperBound),
            context: context)
        return Response(status: decision.status, headers: headers, body: body)
    }

    /// `model-2026-11-25-1a2b3c4d.mp4` (`upload-1a2b3c4d.png` without a generation): readable, and safe inside a
    /// quoted header value (ASCII letters, digits and dashes only).
    static func fileName(model: String, createdAt: Date?, sha256: String, contentType: String) -> String {
        let day = createdAt.map { "-" + $0.day }
        let safeModel = String(model.unicodeScalars.filter { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-") })
        return "\(safeModel)\(day ?? "")-\(sha256.prefix(8)).\(MediaSniffer.fileExtensions[contentType] ?? "bin")"
    }
}

extension HTTPField.Name {
    static let xContentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
}
