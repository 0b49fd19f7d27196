import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// Server-rendered HTML from the embedded Mustache templates. `{{ }}` escapes HTML by Unicode scalar, so user text
/// (prompts) always renders as text.
struct Pages: Sendable {
    private let library: MustacheLibrary

    init() {
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

    /// Renders `values`; a value that is a nil optional counts as absent (Mustache would print "nil" and treat it as
    /// a present section).
    func render(_ template: String, _ values: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        let html = library.render(Self.withoutNils(values), withTemplate: template) ?? ""
        return Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                .contentSecurityPolicy: Self.contentSecurityPolicy,
                .xContentTypeOptions: "nosniff", .referrerPolicy: "no-referrer",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    /// No script at all, forms only to this origin, no `<base>` rewriting, never framed.
    static let contentSecurityPolicy =
        "default-src 'self'; script-src 'none'; style-src 'unsafe-inline'; "
        + "media-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

    static func withoutNils(_ value: Any) -> Any? {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            guard let wrapped = mirror.children.first?.value else { return nil }
            return withoutNils(wrapped)
        }
        if let dictionary = value as? [String: Any] { return dictionary.compactMapValues(withoutNils) }
        if let array = value as? [[String: Any]] { return array.map { $0.compactMapValues(withoutNils) } }
        return value
    }

    static func withoutNils(_ values: [String: Any]) -> [String: Any] { values.compactMapValues(withoutNils) }
}
