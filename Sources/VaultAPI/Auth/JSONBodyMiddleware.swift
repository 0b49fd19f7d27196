import Hummingbird
import Transport

/// The JSON API takes JSON: a request that carries a body must say `Content-Type: application/json` (415
/// otherwise). A browser can send a cross-site form or `text/plain` POST without asking first, but not JSON.
struct JSONBodyMiddleware: RouterMiddleware {
    func handle(
        _ request: Request, context: VaultRequestContext,
        next: (Request, VaultRequestContext) async throws -> Response
    ) async throws -> Response {
        let mayHaveBody = request.headers[.contentLength].map { $0 != "0" } ?? (request.headers[.transferEncoding] != nil)
        if mayHaveBody, request.headers[.contentType].flatMap(HTTPSyntax.mediaTypeEssence(of:)) != "application/json" {
            throw APIError(
                status: .unsupportedMediaType, code: "unsupported_media_type",
                message: "send the body as JSON with Content-Type: application/json")
        }
        return try await next(request, context)
    }
}
