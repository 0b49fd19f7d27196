import Foundation
import Hummingbird

extension Request {
    /// The JSON body as `type`, decoded by the context's decoder from at most `limit` bytes (413 beyond). A body
    /// that is not such JSON is a 400 that says what is wrong and shows `example`; an empty body is `empty` when
    /// the route allows one.
    func decodeJSON<T: Decodable>(
        _ type: T.Type, context: VaultRequestContext, limit: Int = 64 * 1024, example: String, empty: T? = nil
    ) async throws -> T {
        var context = context
        context.maxUploadSize = limit
        var request = self
        // Collected once and kept in the request, where `decode` finds it.
        let body = try await request.collectBody(upTo: limit)
        if body.readableBytes == 0, let empty { return empty }
        if JSONText.holdsNUL(body.readableBytesView) {
            throw APIError(
                status: .unprocessableContent, code: "invalid_request",
                message: "a text field holds a NUL character (\\u0000), which no field may hold")
        }
        do {
            return try await request.decode(as: type, context: context)
        } catch let error as HTTPError where error.status == .badRequest {
            throw APIError.badRequest("the body must be JSON like \(example): \(error.body ?? "malformed JSON")")
        }
    }
}
