import EachLabs
import Foundation
import HTTPSupport
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import Storage
import VaultDomain

/// Every error becomes the documented answer: on `/v1`, `/admin` and the webhook endpoint `{"error": {code, message}}` as
/// JSON, elsewhere (the gallery, share pages) an HTML page. Hummingbird's own errors (a body over its limit, an
/// unknown route) keep their status with a message; bytes that are not HTTP (a malformed chunked body) go on to
/// Hummingbird, which answers 400 and closes the connection;
/// anything unexpected is a 500 that says no more than that and names the request, whose id every answer carries
/// (`X-Request-Id`) and under which the log holds the error's description, redacted (`ErrorRedaction`).
struct ErrorMiddleware: RouterMiddleware {
    let pages: Pages

    func handle(
        _ request: Request, context: VaultRequestContext,
        next: (Request, VaultRequestContext) async throws -> Response
    ) async throws -> Response {
        do {
            var response = try await next(request, context)
            response.headers[.xRequestID] = context.id
            return response
        } catch let error as APIError {
            return try answer(error, request: request, context: context)
        } catch let outage as StoreUnavailable {
            context.logger.warning("the archive's database is unavailable", metadata: ["cause": "\(outage)"])
            return try answer(.unavailable(outage), request: request, context: context)
        } catch is NIOTooManyBytesError {
            return try answer(
                APIError(
                    status: .contentTooLarge, code: "too_large",
                    message: Self.message(for: .contentTooLarge)), request: request, context: context)
        } catch let error as HTTPError {
            return try answer(
                APIError(
                    status: error.status, code: Self.code(for: error.status),
                    message: error.body ?? Self.message(for: error.status)),
                request: request, context: context)
        } catch let refusal as Annotations.Refusal {
            return try answer(
                APIError(
                    status: .unprocessableContent, code: "invalid_annotation", message: "\(refusal.field) \(refusal.problem)",
                    fields: [FieldProblem(field: refusal.field, problem: refusal.problem)]),
                request: request, context: context)
        } catch let error as HTTPParserError {
            // Hummingbird answers it (400, then closes the connection: nothing after the bad bytes can be read).
            throw error
        } catch  where RequestLogMiddleware<VaultRequestContext>.clientWentAway(error) {
            throw error  // nobody is there to read an answer; logged as 499
        } catch {
            context.logger.error(
                "request failed",
                metadata: [
                    "error": .string(ErrorRedaction.redacted(String(describing: error))),
                    "type": .string(String(reflecting: type(of: error))),
                ])
            return try answer(.internal(requestID: context.id), request: request, context: context)
        }
    }

    private func answer(_ error: APIError, request: Request, context: VaultRequestContext) throws -> Response {
        let path = request.uri.path
        var response =
            if path.hasPrefix("/v1/") || path == "/v1" || path.hasPrefix("/webhooks/") || path.hasPrefix("/admin/") {
                try error.response(from: request, context: context)
            } else {
                pages.render(
                    MessagePage(title: Self.pageTitle(for: error.status), reason: error.message), for: request,
                    status: error.status)
            }
        response.headers[.xRequestID] = context.id
        return response
    }

    /// A page's title for `status`: a key of the pages' languages for the common ones, else the status in English.
    static func pageTitle(for status: HTTPResponse.Status) -> String {
        switch status {
        case .notFound: "msg_notFound"
        case .badRequest: "msg_badRequest"
        case .forbidden: "msg_refused"
        default: message(for: status).capitalizedFirst
        }
    }

    static func code(for status: HTTPResponse.Status) -> String {
        switch status {
        case .contentTooLarge: "too_large"
        case .notFound: "not_found"
        case .methodNotAllowed: "method_not_allowed"
        case .unsupportedMediaType: "unsupported_media_type"
        case .unauthorized: "unauthenticated"
        default: status.code >= 500 ? "internal" : "bad_request"
        }
    }

    static func message(for status: HTTPResponse.Status) -> String {
        switch status {
        case .contentTooLarge: "the request body is larger than this endpoint takes"
        case .notFound: "not found"
        default: status.reasonPhrase.lowercased()
        }
    }
}

extension APIError {
    static func `internal`(requestID: String) -> APIError {
        APIError(
            status: .internalServerError, code: "internal",
            message: "the service failed to answer; its log holds the error under request id \(requestID)")
    }
}

extension HTTPField.Name {
    static let xRequestID = HTTPField.Name("X-Request-Id")!
}

extension String {
    fileprivate var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
