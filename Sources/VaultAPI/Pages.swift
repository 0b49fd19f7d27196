import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// Server-rendered HTML from the embedded Mustache templates. `{{ }}` escapes HTML by Unicode scalar, so user text
/// (prompts) always renders as text.
struct Pages: Sendable {
    private let library: MustacheLibrary
    private let contentSecurityPolicy: String

    /// - Parameter mediaOrigin: where stored files are fetched from besides this origin (an object store that
    ///   files redirect to), allowed as a media and image source.
    init(mediaOrigin: String? = nil) {
        let media = ["'self'", mediaOrigin].compactMap { $0 }.joined(separator: " ")
        contentSecurityPolicy =
            "default-src 'self'; script-src 'none'; style-src 'unsafe-inline'; "
            + "media-src \(media); img-src \(media); form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
        MustacheContentTypes.register(ScalarHTMLContentType(), named: ScalarHTMLContentType.name)
        // Every template, partials included (a partial starts over with the library's default), escapes by scalar.
        let pragma = "{{% CONTENT_TYPE: \(ScalarHTMLContentType.name) }}"
        var library = MustacheLibrary()
        for name in EmbeddedFiles.names(withSuffix: ".mustache") {
            guard let data = EmbeddedFiles.data(named: name) else { continue }
            do { try library.register(pragma + String(decoding: data, as: UTF8.self), named: String(name.dropLast(9))) } catch {
                preconditionFailure("template \(name) does not parse: \(error)")
            }
        }
        self.library = library
    }

    /// Renders a page's view with its template. No script at all, forms only to this origin, no `<base>`
    /// rewriting, never framed.
    func render(_ view: some PageView, status: HTTPResponse.Status = .ok) -> Response {
        let html = library.render(view, withTemplate: type(of: view).template) ?? ""
        return Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                .contentSecurityPolicy: contentSecurityPolicy,
                .xContentTypeOptions: "nosniff", .referrerPolicy: "no-referrer",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }
}
