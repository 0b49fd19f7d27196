import Archive
import EachLabs
import Foundation
import Transport
import VaultAPI
import Workers

/// Talks to a running EachVault over its HTTP API (the CLI's `generate`, `search`, `show`; the demo).
public struct VaultClient: Sendable {
    public let baseURL: String
    /// The team token sent as `Authorization: Bearer`.
    private let token: String?
    private let transport: any HTTPTransport
    private let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    public init(baseURL: String, token: String?, transport: any HTTPTransport = CurlTransport()) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token
        self.transport = transport
    }

    public func createGeneration(_ request: GenerationRequest) async throws -> GenerationView {
        try await call("POST", "/v1/generations", body: JSONEncoder().encode(request))
    }

    /// Validation, canonical key, exact match, similar prompts and cost estimate, without generating.
    public func planGeneration(_ request: GenerationRequest) async throws -> JSONValue {
        try await call("POST", "/v1/generations?dry_run=1", body: JSONEncoder().encode(request))
    }

    public func deleteGeneration(id: String) async throws {
        let _: Empty = try await call("DELETE", "/v1/generations/\(Self.encoded(id))")
    }

    public func generation(id: String) async throws -> GenerationView {
        try await call("GET", "/v1/generations/\(Self.encoded(id))")
    }

    /// One page of `GET /v1/generations` with these query parameters (`q`, `model`, `cursor`, ...); nil values are
    /// left out.
    public func search(_ parameters: [(String, String?)]) async throws -> GenerationPage {
        try await call("GET", "/v1/generations" + Self.query(parameters))
    }

    /// Streams a local file into the team's archive (`POST /v1/uploads`); returns its `sha256:<hex>` reference.
    public func upload(file: URL) async throws -> String {
        struct Uploaded: Decodable { var reference: String }
        let uploaded: Uploaded = try await call(
            "POST", "/v1/uploads", bodyFile: file,
            contentType: "application/octet-stream")
        return uploaded.reference
    }

    public func search(text: String?, limit: Int = 20) async throws -> GenerationPage {
        try await search([("q", text), ("limit", String(limit))])
    }

    public func importPredictions(_ ids: [String], model: String?) async throws -> [ImportResult] {
        struct Body: Encodable {
            var prediction_ids: [String]
            var model: String?
        }
        struct Answer: Decodable { var results: [ImportResult] }
        let answer: Answer = try await call(
            "POST", "/v1/imports",
            body: JSONEncoder().encode(Body(prediction_ids: ids, model: model)))
        return answer.results
    }

    public func spend(groupBy: SpendGrouping, from: String?, to: String?) async throws -> SpendReport {
        try await call("GET", "/v1/spend" + Self.query([("group_by", groupBy.rawValue), ("from", from), ("to", to)]))
    }

    private static func query(_ parameters: [(String, String?)]) -> String {
        let pairs = parameters.compactMap { name, value in value.map { "\(name)=\(encoded($0))" } }
        return pairs.isEmpty ? "" : "?" + pairs.joined(separator: "&")
    }

    /// Polls the service (not the provider) until the generation is final; `progress` sees every state.
    public func waitUntilFinal(
        id: String, interval: Duration = .milliseconds(500),
        progress: (GenerationView) -> Void = { _ in }
    ) async throws -> GenerationView {
        while true {
            let generation = try await self.generation(id: id)
            progress(generation)
            if generation.status.isFinal { return generation }
            try await Task.sleep(for: interval)
        }
    }

    private func call<T: Decodable>(
        _ method: String, _ path: String, body: Data? = nil, bodyFile: URL? = nil,
        contentType: String = "application/json"
    ) async throws -> T {
        var headers: [(name: String, value: String)] = [("Accept", "application/json")]
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        if body != nil || bodyFile != nil { headers.append(("Content-Type", contentType)) }
        let response = try await transport.send(
            HTTPRequest(
                method: method, url: baseURL + path, headers: headers, body: body, bodyFile: bodyFile,
                timeout: bodyFile == nil ? .seconds(30) : .seconds(600)))
        guard (200..<300).contains(response.status) else {
            throw VaultClientError(status: response.status, body: String(decoding: response.body, as: UTF8.self))
        }
        if response.status == 204, let empty = Empty() as? T { return empty }
        return try decoder.decode(T.self, from: response.body)
    }

    private struct Empty: Decodable {}

    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    private static func encoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }
}

/// An error answer from EachVault, with its JSON body (which says what was wrong).
public struct VaultClientError: Error, CustomStringConvertible {
    public var status: Int
    public var body: String

    public var description: String {
        struct Body: Decodable {
            struct Detail: Decodable {
                var message: String
            }
            var error: Detail
        }
        let message = (try? JSONDecoder().decode(Body.self, from: Data(body.utf8)))?.error.message ?? body
        return "HTTP \(status): \(message)"
    }
}
