import EachLabs
import Foundation
import Media
import Transport

/// Every media input is what its field takes before anyone pays: a string that is no URL or file reference is
/// refused, and a URL's first bytes are fetched and recognised, so an MP3 or a text page given as an image is a 422
/// naming the field, never a create the team pays for. Inline files and `sha256:` references are checked where
/// their bytes are at hand (`resolveLocalFiles`).
extension Vault {
    /// The media values of `input` that are neither an http(s) URL, a `data:` URI nor a `sha256:` reference, and
    /// the URLs whose first bytes are not of their field's kind, as problems by field (none when all fit).
    func mediaProblems(in input: [String: JSONValue], schema: RequestSchema) async -> [FieldProblem] {
        var problems: [FieldProblem] = []
        var urls: [MediaInputReference] = []
        for reference in schema.mediaInputs(in: input, where: { _ in true }) {
            if reference.value.isHTTPURL {
                urls.append(reference)
            } else if !reference.value.hasPrefix(InlineFile.prefix) && !reference.value.hasPrefix(Self.fileReferencePrefix) {
                problems.append(
                    FieldProblem(
                        field: reference.field,
                        problem: "must be an http(s) URL, a data: URI (data:<type>;base64,...) or sha256:<hex> of a "
                            + "file the team holds"))
            }
        }
        guard settings.checkInputURLs, !urls.isEmpty else { return problems }
        let checks = Set(urls.map { URLCheck(url: $0.value, kind: MediaKind(field: $0.field)) })
        let verdicts = await withTaskGroup(of: (URLCheck, String?).self) { group in
            for check in checks { group.addTask { (check, await self.problem(fetching: check)) } }
            return await group.reduce(into: [URLCheck: String]()) { $0[$1.0] = $1.1 }
        }
        for reference in urls {
            if let problem = verdicts[URLCheck(url: reference.value, kind: MediaKind(field: reference.field))] {
                problems.append(FieldProblem(field: reference.field, problem: problem))
            }
        }
        return problems
    }

    /// Why a file whose bytes read as `contentType` (nil: no known format) does not fit a field of `kind`, or nil
    /// when it does.
    static func kindProblem(_ kind: MediaKind?, contentType: String?) -> String? {
        guard let contentType, MediaSniffer.fileExtensions[contentType] != nil, contentType != "application/octet-stream"
        else { return "is not a media file: its first bytes are no image, video or audio format" }
        guard let kind, !kind.accepts(contentType) else { return nil }
        return "is \(contentType), but the field takes \(kind.wanted)"
    }

    /// Fetches the first bytes of a URL (within `inputProbeTimeout`, from public addresses only unless allowed)
    /// and says what is wrong with them for the check's kind; nil when they fit. A URL that fitted is not fetched
    /// again for ten minutes.
    private func problem(fetching check: URLCheck) async -> String? {
        if let fitted = checkedURLs[check], now().timeIntervalSince(fitted) < 600 { return nil }
        var request = HTTPRequest(
            method: "GET", url: check.url, headers: [("Range", "bytes=0-63")], timeout: settings.inputProbeTimeout)
        request.publicAddressesOnly = settings.inputsFromPublicAddressesOnly
        let response: HTTPResponse
        do {
            response = try await transport.head(request, bytes: 64, maxRedirects: 5)
        } catch .privateAddress {
            return "does not lead to a public internet address (the provider could not fetch it either)"
        } catch {
            return "could not be fetched to check what it is: \(error)"
        }
        guard (200..<300).contains(response.status) else {
            return "could not be fetched to check what it is: the server answered HTTP \(response.status)"
        }
        if let problem = Self.kindProblem(check.kind, contentType: MediaSniffer.sniff(response.body)?.contentType) {
            return problem
        }
        checkedURLs.insert(now(), for: check)
        return nil
    }
}

/// A URL checked for a field of a kind: the unit of the fetch and of the cache of URLs that fitted.
struct URLCheck: Hashable, Sendable {
    var url: String
    var kind: MediaKind?
}
