import EachLabs
import Foundation
import HTTPSupport
import Hummingbird
import Media
import ObjectStorage
import Storage
import StorePostgres
import StoreSQLite
import Transport
import VaultAPI
import Workers

/// Every parser that sees bytes from outside, as a function of those bytes. A target may throw or answer nil;
/// it must never trap, hang or leak.
enum FuzzTargets {
    static let all: [String: @Sendable (Data) -> Void] = [
        "mp4": mp4, "sniff": sniff, "search-pattern": searchPattern, "cursor": cursor, "range": range,
        "data-uri": dataURI, "webhook": webhook, "schema": schema, "form": form, "media-type": mediaType,
        "html": html, "content-range": contentRange, "resolution": resolution, "s3-listing": s3Listing,
        "page-language": pageLanguage, "json-nul": jsonNUL,
    ]

    /// The NUL check of JSON bodies misses no NUL a JSON parser finds, in a key or a string (it may refuse more: a
    /// NUL in a duplicate key the parser drops, say).
    static func jsonNUL(_ data: Data) {
        let claimed = JSONText.holdsNUL(data)
        guard !claimed, let document = try? JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed) else {
            return
        }
        func holdsNUL(_ value: Any) -> Bool {
            switch value {
            case let text as String: text.unicodeScalars.contains("\u{0}")
            case let array as [Any]: array.contains(where: holdsNUL)
            case let object as [String: Any]: object.contains { holdsNUL($0.key) || holdsNUL($0.value) }
            default: false
            }
        }
        if holdsNUL(document) { fatalError("the NUL check missed one in \(String(decoding: data, as: UTF8.self).debugDescription)") }
    }

    /// The MP4 probe over the input in memory (the same box walk the file reader drives).
    static func mp4(_ data: Data) {
        _ = try? MediaProbe.inspect(data: data)
    }

    /// An object store's listing or error body (the store's answers are outside input too).
    static func s3Listing(_ data: Data) {
        _ = S3ListingParser.parse(String(decoding: data, as: UTF8.self), dropping: "p/")
    }

    static func sniff(_ data: Data) { _ = MediaSniffer.sniff(data) }

    static func searchPattern(_ data: Data) {
        let text = String(decoding: data, as: UTF8.self)
        for anyWord in [false, true] {
            // Words standing for whole terms (as the index's vocabulary lists them) or kept as prefixes.
            let expanded = SearchPattern.make(text, anyWord: anyWord) { [$0, $0 + "s"] }
            for pattern in [SearchPattern.make(text, anyWord: anyWord), expanded].compactMap({ $0 })
            where !SearchPattern.isValid(pattern) {
                fatalError("FTS5 refuses the pattern \(pattern) made of \(text.debugDescription)")
            }
            // PostgreSQL's tsquery: nothing typed may reach it but letters, digits and marks, inside quotes; outside
            // them only the query's own operators. Read scalar by scalar, as PostgreSQL does (a quote after a Prepend
            // letter or before a combining mark is one Character with it).
            if let tsquery = SearchPattern.tsquery(text, anyWord: anyWord) {
                var quoted = false
                for scalar in tsquery.unicodeScalars {
                    if scalar == "'" {
                        quoted.toggle()
                    } else if quoted ? !isWordScalar(scalar) : !"()&|!<->:* ".unicodeScalars.contains(scalar) {
                        fatalError("tsquery \(tsquery) has \(scalar.escaped(asASCII: true)) from \(text.debugDescription)")
                    }
                }
                if quoted { fatalError("tsquery \(tsquery) leaves a quote open, from \(text.debugDescription)") }
            }
        }
        // The snippet cut for PostgreSQL, with the text as both the prompt and the query.
        _ = Snippet.cut(text, marking: SearchPattern.markedWords(text))
    }

    /// What a quoted word of a search may hold: letters, digits and marks.
    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .decimalNumber,
            .letterNumber, .otherNumber, .nonspacingMark, .spacingMark, .enclosingMark:
            true
        default: false
        }
    }

    static func cursor(_ data: Data) { _ = SearchCursor(token: String(decoding: data, as: UTF8.self)) }

    /// The first 8 bytes are the representation's size, the rest the `Range` header.
    static func range(_ data: Data) {
        guard data.count >= 8 else { return }
        let size = Int64(abs(data.prefix(8).reduce(Int64(0)) { $0 << 8 | Int64($1) } % (Int64(1) << 50)))
        let decision = RangeDecision(rangeHeader: String(decoding: data.dropFirst(8), as: UTF8.self), size: size)
        if let bytes = decision.bytes(size: size) { precondition(bytes.lowerBound >= 0 && bytes.upperBound < size) }
    }

    static func dataURI(_ data: Data) { _ = InlineFile(dataURI: String(decoding: data, as: UTF8.self)) }

    /// Headers and body as a sender controls them: `signature \n timestamp \n body`.
    static func webhook(_ data: Data) {
        let parts = data.split(separator: 0x0A, maxSplits: 2, omittingEmptySubsequences: false)
        let signature = parts.first.map { String(decoding: $0, as: UTF8.self) }
        let timestamp = parts.count > 1 ? String(decoding: parts[1], as: UTF8.self) : nil
        let body = parts.count > 2 ? Data(parts[2]) : Data()
        _ = WebhookSignature.verify(
            signatureHeader: signature, timestampHeader: timestamp, body: body,
            secret: "whsec_fuzz", now: Date())
        _ = WebhookSignature.verifyLegacySecret(signature, secret: "whsec_fuzz")
        _ = try? JSONDecoder().decode(WebhookPayload.self, from: body)
    }

    /// A request input (JSON) against a schema with every kind of property, validated and canonicalised.
    static let requestSchema = RequestSchema(
        required: ["prompt"],
        properties: [
            "prompt": PropertySchema(type: "string", maxLength: 2000),
            "duration": PropertySchema(type: "string", enum: ["5", "10"], default: "5"),
            "seed": PropertySchema(type: "integer", minimum: 0, maximum: 2_147_483_647),
            "cfg": PropertySchema(type: "number", minimum: 0, maximum: 1),
            "audio": PropertySchema(type: "boolean", default: false),
            "image_url": PropertySchema(type: "string"),
            "image_urls": PropertySchema(type: "array"),
            "options": PropertySchema(type: "object"),
        ])

    static func schema(_ data: Data) {
        guard let input = try? JSONDecoder().decode([String: JSONValue].self, from: data) else { return }
        guard case .success(let valid) = requestSchema.validate(input) else { return }
        _ = requestSchema.canonicalKey(model: "m", version: "1", input: valid)
        _ = requestSchema.mediaInputs(in: valid, where: \.isHTTPURL)
    }

    /// The gallery's forms, as `GallerySession.form(of:)` decodes them.
    static func form(_ data: Data) {
        _ = try? URLEncodedFormDecoder().decode([String: String].self, from: String(decoding: data, as: UTF8.self))
    }

    static func mediaType(_ data: Data) {
        let text = String(decoding: data, as: UTF8.self)
        if let essence = HTTPSyntax.mediaTypeEssence(of: text) { precondition(HTTPSyntax.isFieldValue(essence)) }
        _ = HTTPSyntax.isToken(text)
    }

    /// A CDN's `Content-Range` answer to a resumed download.
    static func contentRange(_ data: Data) {
        if let start = HTTPSyntax.contentRangeStart(String(decoding: data, as: UTF8.self)) { _ = start &+ 1 }
    }

    /// The resolution filter of a search (`1280x720`, `720p`).
    static func resolution(_ data: Data) { _ = Resolution(String(decoding: data, as: UTF8.self))?.description }

    /// The escaping oracle: no markup character survives as a scalar of its own.
    /// The pages' `Accept-Language` choice, and the switch's return address (`back`), which must stay on this site.
    static func pageLanguage(_ data: Data) {
        let text = String(decoding: data, as: UTF8.self)
        _ = PageLanguage.preferred(acceptLanguage: text)
        let page = Request.localPage(text)
        precondition(page == "/" || page == text, "only the address given, or the gallery")
        precondition(page.hasPrefix("/") && !page.dropFirst().hasPrefix("/") && !page.dropFirst().hasPrefix("\\"))
        precondition(!page.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, "no control character")
    }

    static func html(_ data: Data) {
        let escaped = String(decoding: data, as: UTF8.self).htmlEscaped
        precondition(!escaped.unicodeScalars.contains { $0 == "<" || $0 == ">" || $0 == "\"" || $0 == "'" })
    }
}
