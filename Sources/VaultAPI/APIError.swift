import EachLabs
import Foundation
import HTTPTypes
import Hummingbird
import VaultContract

/// An error answer: `{"error": {"code", "message", "fields"?}}`. Domain errors are mapped to it here, at the edge.
struct APIError: Error, HTTPResponseError {
    var status: HTTPResponse.Status
    var code: String
    var message: String
    var fields: [FieldProblem]?

    func response(from request: Request, context: some RequestContext) throws -> Response {
        try EditedResponse(status: status, response: ErrorBody(error: .init(code: code, message: message, fields: fields)))
            .response(from: request, context: context)
    }

    static func notFound(_ what: String) -> APIError {
        APIError(status: .notFound, code: "not_found", message: "\(what) not found")
    }

    static func badRequest(_ message: String) -> APIError {
        APIError(status: .badRequest, code: "bad_request", message: message)
    }
}
