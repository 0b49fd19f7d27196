import Hummingbird

/// NUL may not reach the archive: PostgreSQL refuses it in text (the request would fail deep inside as a 500 on one
/// database and be stored on the other), logs and pages garble around it. A query or path carrying `%00` is a 400,
/// a JSON body whose strings hold `\u0000` a 422, each saying so, on both databases alike.
struct NULRefusalMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let target = (request.uri.path + "?" + (request.uri.query ?? "")).lowercased()
        if target.contains("%00") {
            throw APIError(
                status: .badRequest, code: "bad_request",
                message: "the path or a query parameter holds a NUL character (%00), which no field may hold")
        }
        return try await next(request, context)
    }
}

public enum JSONText {
    /// Whether a JSON document's strings hold an escaped NUL (`\u0000`): escapes are read as JSON reads them, so an
    /// escaped backslash followed by `u0000` is text, not a NUL.
    public static func holdsNUL(_ bytes: some Collection<UInt8>) -> Bool {
        var iterator = bytes.makeIterator()
        while let byte = iterator.next() {
            if byte == 0 { return true }
            guard byte == UInt8(ascii: "\\") else { continue }
            guard let escaped = iterator.next() else { return false }
            guard escaped == UInt8(ascii: "u") else { continue }
            var digits: [UInt8] = []
            while digits.count < 4, let digit = iterator.next() { digits.append(digit) }
            if digits == Array("0000".utf8) { return true }
        }
        return false
    }
}
