import EachLabs
import Foundation
import HTTPTypes
import Hummingbird
import Storage
import VaultContract

/// An error answer: `{"error": {"code", "message", "fields"?}}`. Domain errors are mapped to it here, at the edge.
struct APIError: Error, HTTPResponseError {
    var status: HTTPResponse.Status
    var code: String
    var message: String
    var fields: [FieldProblem]?
    /// Seconds after which the same request may succeed (`Retry-After`), for answers about a passing condition.
    var retryAfter: Int?

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = HTTPFields()
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return try EditedResponse(
            status: status, headers: headers, response: ErrorBody(error: .init(code: code, message: message, fields: fields))
        )
        .response(from: request, context: context)
    }

    /// The archive's database cannot be used now: 503 in words of our own (the driver's stay in the log), with
    /// when to try again. A full disk is 507, as WebDAV names it.
    static let insufficientStorage = HTTPResponse.Status(code: 507, reasonPhrase: "Insufficient Storage")

    static func unavailable(_ outage: StoreUnavailable) -> APIError {
        APIError(
            status: outage.reason == .diskFull ? Self.insufficientStorage : .serviceUnavailable, code: "unavailable",
            message: "\(outage.reason.rawValue); nothing was changed, try again shortly", retryAfter: 5)
    }

    static func notFound(_ what: String) -> APIError {
        APIError(status: .notFound, code: "not_found", message: "\(what) not found")
    }

    static func badRequest(_ message: String) -> APIError {
        APIError(status: .badRequest, code: "bad_request", message: message)
    }
}
