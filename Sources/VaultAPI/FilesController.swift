import Archive
import Foundation
import HTTPSupport
import HTTPTypes
import Hummingbird
import Workers

/// `/v1/files/{sha256}`: stored bytes, streamed from disk with byte-range support for video players.
struct FilesController {
    let vault: Vault
    let fileIO = FileIO()

    func addRoutes(to group: RouterGroup<VaultRequestContext>) {
        group.get("{sha256}", use: serve)
        group.head("{sha256}", use: serve)
    }

    @Sendable func serve(_ request: Request, context: VaultRequestContext) async throws -> Response {
        let sha256 = context.parameters.get("sha256") ?? ""
        guard Self.isDigest(sha256) else { throw APIError.badRequest("a file id is 64 lowercase hex characters") }
        guard let asset = try vault.database.asset(sha256: sha256, teamID: context.requireTeam().id),
              vault.blobs.contains(sha256)
        else {
            throw APIError.notFound("file")
        }
        let etag = "\"\(sha256)\""
        var headers: HTTPFields = [
            .contentType: asset.contentType,
            .eTag: etag,
            .lastModified: Self.httpDate(asset.storedAt),
            .cacheControl: "private, max-age=31536000, immutable",
        ]
        if let match = request.headers[.ifNoneMatch], match == etag || match == "*" {
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
            path: vault.blobs.url(for: sha256).path, range: Int(range.lowerBound)...Int(range.upperBound),
            context: context)
        return Response(status: decision.status, headers: headers, body: body)
    }

    static func isDigest(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    static func httpDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }
}
