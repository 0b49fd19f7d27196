import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// Server-rendered HTML from the embedded Mustache templates. `{{ }}` escapes HTML by Unicode scalar, so user text
/// (prompts) always renders as text.
struct Pages: Sendable {
    private let library: MustacheLibrary
    /// Without script, and with this origin's script (the pages that take keys).
    private let contentSecurityPolicy: (scriptless: String, scripted: String)

    /// - Parameter mediaOrigin: where stored files are fetched from besides this origin (an object store that
    ///   files redirect to), allowed as a media and image source.
    init(mediaOrigin: String? = nil) {
        // blob: for the thumbnail of a file picked on the new-generation form, shown before it is uploaded.
        let media = ["'self'", "blob:", mediaOrigin].compactMap { $0 }.joined(separator: " ")
        let policy = { (script: String) in
            "default-src 'self'; script-src \(script); style-src 'unsafe-inline'; "
                + "media-src \(media); img-src \(media); form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
        }
        contentSecurityPolicy = (policy("'none'"), policy("'self'"))
        // Every template, partials included (a partial starts over with the library's default), escapes by scalar.
        let pragma = Self.scalarEscaping
        var library = MustacheLibrary()
        for name in EmbeddedFiles.names(withSuffix: ".mustache") {
            guard let data = EmbeddedFiles.data(named: name) else { continue }
            do { try library.register(pragma + String(decoding: data, as: UTF8.self), named: String(name.dropLast(9))) } catch {
                preconditionFailure("template \(name) does not parse: \(error)")
            }
        }
        self.library = library
    }

    /// The pragma that makes a template escape by Unicode scalar (registered before any template is parsed).
    static let scalarEscaping: String = {
        MustacheContentTypes.register(ScalarHTMLContentType(), named: ScalarHTMLContentType.name)
        return "{{% CONTENT_TYPE: \(ScalarHTMLContentType.name) }}"
    }()

    /// Renders a page's view with its template, in the request's language. No script but this origin's, and only
    /// on the pages that take keys (none on the public share page); forms only to this origin, no `<base>`
    /// rewriting, never framed.
    func render(_ view: some PageView, for request: Request, status: HTTPResponse.Status = .ok) -> Response {
        let language = PageLanguage(request)
        let html = html(view, for: request)
        return Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                .contentLanguage: language.rawValue, .vary: "Accept-Language, Cookie",
                .contentSecurityPolicy: type(of: view).scripted
                    ? contentSecurityPolicy.scripted : contentSecurityPolicy.scriptless,
                .xContentTypeOptions: "nosniff", .referrerPolicy: "no-referrer",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    /// A view's HTML in the request's language (a whole page, or a fragment a script puts in one).
    func html(_ view: some PageView, for request: Request) -> String {
        let page = PageContext(view: view, language: PageLanguage(request), switchBack: Self.switchBack(request))
        return library.render(page, withTemplate: type(of: view).template) ?? ""
    }

    /// Where the language switch returns to: this page, or the gallery after a form post.
    private static func switchBack(_ request: Request) -> String {
        request.method == .get ? request.pageAddress : "/"
    }
}

extension Request {
    /// The page's path and query, as the browser asked for it.
    var pageAddress: String { uri.path + (uri.query.map { "?" + $0 } ?? "") }

    /// A same-site page address sent back by a form or link (`back`): a path of this site, else the gallery. Never
    /// another origin (`//host`, `/\host`), never a control character.
    package static func localPage(_ address: String?) -> String {
        guard let address, address.hasPrefix("/"), address.utf8.count <= 2048,
            !address.dropFirst().hasPrefix("/"), !address.dropFirst().hasPrefix("\\"),
            !address.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || $0 == "\\" })
        else { return "/" }
        return address
    }
}

/// What a template sees: the page's view (its `translated` properties in the page's language), and `t` (the
/// language's words), `lang` and `switchLanguage` on every page.
private struct PageContext: MustacheParent {
    let view: any PageView
    let language: PageLanguage
    let switchBack: String

    func child(named name: String) -> Any? {
        switch name {
        case "t": return language.text
        case "lang": return language.rawValue
        case "scripted": return type(of: view).scripted
        case "switchLanguage":
            var query = URLComponents()
            query.queryItems = [URLQueryItem(name: "to", value: language.other.rawValue), URLQueryItem(name: "back", value: switchBack)]
            return ["href": "/language?" + (query.percentEncodedQuery ?? ""), "name": language.other.ownName, "lang": language.other.rawValue]
        default:
            // As the library reads any other value: by property name, an optional's value or nothing.
            guard var value = Mirror(reflecting: view).children.first(where: { $0.label == name })?.value else { return nil }
            let mirror = Mirror(reflecting: value)
            if mirror.displayStyle == .optional {
                guard let wrapped = mirror.children.first?.value else { return nil }
                value = wrapped
            }
            if let key = value as? String, type(of: view).translated.contains(name) { return language.text(key) }
            return value
        }
    }
}
