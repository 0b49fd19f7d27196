import Blobs
import Foundation
import HTTPSupport
import HTTPTypes
import Hummingbird
import Media
import Storage
import Workers

/// Answers for a stored blob, for the API and share links alike: validators, conditional requests, RFC 9110
/// ranges, and the bytes streamed in chunks (memory stays flat whatever the file size): from disk for a folder of
/// blobs; from an S3-compatible store, either by a redirect to a short-lived presigned URL (the store serves the
/// bytes and the ranges) or streamed through (proxy mode).
struct BlobResponder: Sendable {
    let blobs: BlobStore
    /// `EACHVAULT_ACCEL_REDIRECT`: the internal location of a reverse proxy that serves the blob folder. When set,
    /// the service decides (authorisation, validators, names and types) and the proxy sends the bytes, ranges
    /// included, with `sendfile` (`deploy/nginx.conf`).
    let accelRedirect: String?
    let fileIO = FileIO()
    /// The files each team streams through the service at once (a player opens a few; far more is one team holding
    /// the connections and open files everyone shares). Redirected and reverse-proxied files are not counted: the
    /// store or the proxy sends those bytes.
    let streams: TeamSlots

    static let streamsPerTeam = 32

    init(blobs: BlobStore, accelRedirect: String?, streamsPerTeam: Int = Self.streamsPerTeam) {
        self.blobs = blobs
        self.accelRedirect = accelRedirect
        streams = TeamSlots(limit: streamsPerTeam)
    }

    /// - Parameter downloadName: with `?download=1`, the file name offered to save as.
    /// - Parameter team: whose file stream this is (a share link's: the sharing team's).
    /// - Parameter redirectLifetime: at most how long a presigned URL handed out here works (a share link's must
    ///   not outlive its revocation by long).
    func respond(
        _ asset: Asset, team: String, downloadName: String, request: Request, context: some RequestContext,
        cacheControl: String, redirectLifetime: Duration? = nil
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
        let serving = blobs.serving(
            asset.sha256, contentType: headers[.contentType] ?? Asset.opaqueContentType,
            contentDisposition: headers[.contentDisposition], redirecting: request.method != .head,
            redirectLifetime: redirectLifetime)
        switch serving {
        case .redirect(let url):
            return Self.redirect(to: url)
        case .localFile(_, let folderPath) where accelRedirect != nil:
            // The proxy answers the client's own range and method; the ETag travels apart (it would otherwise be
            // the proxy's own), to be put back by the internal location.
            headers[.xAccelRedirect] = (accelRedirect ?? "") + folderPath
            headers[.xVaultETag] = headers[.eTag]
            headers[.eTag] = nil
            return Response(status: .ok, headers: headers, body: ResponseBody())
        default: break
        }
        var rangeHeader = request.headers[.range]
        if let condition = request.headers[.ifRange], condition != etag { rangeHeader = nil }
        let decision = RangeDecision(rangeHeader: rangeHeader, size: asset.size)
        headers.setRange(decision, size: asset.size)
        guard request.method != .head, let range = decision.bytes(size: asset.size) else {
            return Response(status: decision.status, headers: headers, body: ResponseBody())
        }
        guard let lease = streams.lease(team) else {
            throw APIError(
                status: .tooManyRequests, code: "too_many_streams",
                message: "the team has \(streams.limit) files streaming; ask again when one ends", retryAfter: 1)
        }
        let body: ResponseBody
        switch serving {
        case .localFile(let path, _):
            body = try await fileIO.loadFile(
                path: path, range: Int(range.lowerBound)...Int(range.upperBound), context: context)
        case .remote(let blob):
            body = Self.proxied(blob, range: range)
        case .redirect(let url):
            return Self.redirect(to: url)
        }
        return Response(status: decision.status, headers: headers, body: body.holding(lease))
    }

    /// The store answers ranges and validators itself; the URL carries the type and name to serve with.
    static func redirect(to url: String) -> Response {
        Response(status: .temporaryRedirect, headers: [.location: url, .cacheControl: "private, no-store"])
    }

    /// The bytes `range` of a blob in an S3-compatible store, fetched in 4 MiB ranged GETs, one at a time: the next
    /// is fetched once the current one is handed to the connection, so a response holds at most one chunk however
    /// slowly its client reads (sixty stalled clients once held 1 GB with two in flight each), and a client that
    /// stops reading is dropped by `StalledClientHandler`.
    static func proxied(_ blob: RemoteBlob, range: ClosedRange<Int64>) -> ResponseBody {
        let chunk: Int64 = 4 << 20
        return ResponseBody(contentLength: range.count) { writer in
            var start = range.lowerBound
            while start <= range.upperBound {
                let end = min(start + chunk - 1, range.upperBound)
                try await writer.write(ByteBuffer(bytes: try await blob.read(start...end)))
                start = end + 1
            }
            try await writer.finish(nil)
        }
    }

    /// `model-2026-11-25-1a2b3c4d.mp4` (`upload-1a2b3c4d.png` without a generation): readable, and safe inside a
    /// quoted header value (ASCII letters, digits and dashes only).
    static func fileName(model: String, createdAt: Date?, sha256: String, contentType: String) -> String {
        let day = createdAt.map { "-" + $0.isoDay }
        let safeModel = String(model.unicodeScalars.filter { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-") })
        return "\(safeModel)\(day ?? "")-\(sha256.prefix(8)).\(MediaSniffer.fileExtensions[contentType] ?? "bin")"
    }
}

extension ResponseBody {
    /// This body, keeping `lease` until it is written (or dropped unwritten, when the client went away first).
    fileprivate func holding(_ lease: TeamSlots.Lease) -> ResponseBody {
        ResponseBody(contentLength: contentLength) { writer in
            try await self.write(writer)
            withExtendedLifetime(lease) {}
        }
    }
}

extension HTTPField.Name {
    static let xAccelRedirect = HTTPField.Name("X-Accel-Redirect")!
    static let xVaultETag = HTTPField.Name("X-Vault-ETag")!
    static let xContentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
}
