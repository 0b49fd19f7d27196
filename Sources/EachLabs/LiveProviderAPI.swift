import Foundation
import Transport

/// `ProviderAPI` over HTTP. The key travels in the `Authorization` header only.
public struct LiveProviderAPI: ProviderAPI {
    private let baseURL: String
    private let apiKey: String
    private let transport: any HTTPTransport

    public init(baseURL: String, apiKey: String, transport: any HTTPTransport) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.transport = transport
    }

    public func listModels(name: String?, limit: Int, offset: Int) async throws(ProviderError) -> [ProviderModel] {
        var query = "limit=\(limit)&offset=\(offset)"
        if let name { query += "&name=\(Self.percentEncoded(name))" }
        return try await call("GET", "/v1/models?\(query)")
    }

    public func model(slug: String) async throws(ProviderError) -> ProviderModel {
        try await call("GET", "/v1/models/\(Self.percentEncoded(slug))")
    }

    public func createPrediction(_ request: CreatePrediction) async throws(ProviderError) -> String {
        struct Created: Decodable {
            var status: String?
            var predictionID: String?
        }
        let body: Data
        do { body = try JSONEncoder().encode(request) } catch {
            throw .malformedResponse("cannot encode the request: \(error)")
        }
        let created: Created = try await call("POST", "/v1/prediction", body: body)
        guard let id = created.predictionID, !id.isEmpty else {
            throw .malformedResponse("create answered without a predictionID")
        }
        return id
    }

    public func prediction(id: String) async throws(ProviderError) -> Prediction {
        try await call("GET", "/v1/prediction/\(Self.percentEncoded(id))")
    }

    /// POSTs the prediction's `urls.cancel` when it is on the provider's own origin (the key goes nowhere else), else
    /// the documented path of the same shape.
    public func cancelPrediction(_ prediction: Prediction) async throws(ProviderError) -> Prediction? {
        let documented = "/v1/prediction/\(Self.percentEncoded(prediction.id))/cancel"
        var path = documented
        if let given = prediction.urls?["cancel"], given.hasPrefix(baseURL + "/"), !given.contains("..") {
            path = String(given.dropFirst(baseURL.count))
        }
        let body = try await send("POST", path, body: Data("{}".utf8))
        guard let answer = try? JSONDecoder().decode(Prediction.self, from: body), answer.id == prediction.id else {
            return nil
        }
        return answer
    }

    public func webhookLog(limit: Int, offset: Int) async throws(ProviderError) -> [WebhookLogEntry] {
        let page: WebhookLogPage = try await call("GET", "/v1/webhooks?limit=\(limit)&offset=\(offset)")
        return page.entries
    }

    public func presignUpload(_ request: PresignRequest) async throws(ProviderError) -> PresignedUpload {
        let body: Data
        do { body = try JSONEncoder().encode(request) } catch {
            throw .malformedResponse("cannot encode the presign request: \(error)")
        }
        return try await call("POST", "/v1/upload/presign", body: body)
    }

    /// The presigned URL is its own credential: the provider key is not sent with the PUT. The file is streamed
    /// from disk.
    public func upload(_ upload: PresignedUpload, contentType: String, fileAt file: URL) async throws(ProviderError) {
        let size = ((try? FileManager.default.attributesOfItem(atPath: file.path))?[.size] as? Int64) ?? 0
        guard size <= PresignedUpload.maxBytes else {
            throw .badRequest("the file is \(size) bytes; the provider takes at most \(PresignedUpload.maxBytes)")
        }
        var headers: [(name: String, value: String)] = [("Content-Type", contentType)]
        for (name, value) in upload.requiredHeaders.sorted(by: { $0.key < $1.key })
        where name.lowercased() != "content-type" {
            headers.append((name, value))
        }
        let response: HTTPResponse
        do {
            response = try await transport.send(
                HTTPRequest(
                    method: "PUT", url: upload.presignedURL, headers: headers,
                    bodyFile: file, timeout: .seconds(600)))
        } catch {
            throw .transport(error)
        }
        try Self.check(response)
    }

    // MARK: -

    private func call<T: Decodable>(_ method: String, _ path: String, body: Data? = nil) async throws(ProviderError)
        -> T
    {
        let answer = try await send(method, path, body: body)
        do { return try JSONDecoder().decode(T.self, from: answer) } catch {
            throw .malformedResponse("\(method) \(path): \(error)")
        }
    }

    /// The body of a successful answer; an unsuccessful one is thrown as the error it stands for.
    private func send(_ method: String, _ path: String, body: Data?) async throws(ProviderError) -> Data {
        var headers: [(name: String, value: String)] = [("Accept", "application/json")]
        if !apiKey.isEmpty { headers.append(("Authorization", "Bearer \(apiKey)")) }
        if body != nil { headers.append(("Content-Type", "application/json")) }
        let response: HTTPResponse
        do {
            response = try await transport.send(
                HTTPRequest(
                    method: method, url: baseURL + path, headers: headers,
                    body: body))
        } catch {
            throw .transport(error)
        }
        try Self.check(response)
        return response.body
    }

    /// Throws the error an unsuccessful answer stands for.
    private static func check(_ response: HTTPResponse) throws(ProviderError) {
        switch response.status {
        case 200..<300: return
        case 401, 403: throw .unauthorized
        case 404: throw .notFound(Self.errorMessage(response))
        case 429: throw .rateLimited(retryAfter: response.retryAfter)
        case 400..<500: throw .badRequest(Self.errorMessage(response))
        default: throw .server(status: response.status, message: Self.errorMessage(response))
        }
    }

    /// The `{"error": "..."}` text of an error answer, bounded in length.
    private static func errorMessage(_ response: HTTPResponse) -> String {
        struct Body: Decodable { var error: String? }
        let text =
            (try? JSONDecoder().decode(Body.self, from: response.body))?.error
            ?? String(decoding: response.body.prefix(200), as: UTF8.self)
        return text.isEmpty ? "HTTP \(response.status)" : String(text.prefix(300))
    }

    private static func percentEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlUnreservedCharacters) ?? text
    }
}

extension CharacterSet {
    static let urlUnreservedCharacters = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}
