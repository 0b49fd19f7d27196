import Foundation
import HTTPTypes
import Hummingbird

/// JSON bodies for answers, encoded once with one shared configuration.
public enum JSONResponse {
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    public static func make(
        _ value: some Encodable, status: HTTPResponse.Status = .ok,
        headers: HTTPFields = [:]
    ) -> Response {
        var status = status
        let data: Data
        do { data = try encoder.encode(value) } catch {
            // Never a 200 (or an empty `{}`) for an answer that could not be written.
            status = .internalServerError
            data = Data(#"{"error":{"code":"internal","message":"the answer could not be encoded"}}"#.utf8)
        }
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.contentLength] = String(data.count)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Decodes a request body of at most `limit` bytes; nil for malformed JSON.
    public static func decode<T: Decodable>(_ type: T.Type, from request: Request, limit: Int = 1 << 20)
        async throws -> T?
    {
        let buffer = try await request.body.collect(upTo: limit)
        return try? JSONDecoder().decode(T.self, from: Data(buffer: buffer))
    }
}
