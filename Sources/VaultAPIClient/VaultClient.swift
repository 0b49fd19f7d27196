import EachLabs
import Foundation
import Transport
import VaultContract
import VaultDomain

/// Talks to a running EachVault over its HTTP API (the CLI's `generate`, `search`, `show`, `import`, `spend`; the
/// demo). Built on the wire contract and Transport only.
public struct VaultClient: Sendable {
    public let baseURL: String
    /// The team token sent as `Authorization: Bearer`.
    let token: String?
    let transport: any HTTPTransport
    /// How long a request without a file may take, answer included.
    let requestTimeout: Duration
    let encoder = ContractJSON.encoder()
    private let decoder = ContractJSON.decoder()

    public init(
        baseURL: String, token: String?, transport: any HTTPTransport = CurlTransport(),
        requestTimeout: Duration = .seconds(30)
    ) {
        self.requestTimeout = requestTimeout
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token
        self.transport = transport
    }

    public func createGeneration(_ request: GenerationRequest) async throws -> GenerationView {
        try await call("POST", "/v1/generations", body: encoder.encode(request))
    }

    /// Validation, canonical key, exact match, similar prompts and cost estimate, without generating.
    public func planGeneration(_ request: GenerationRequest) async throws -> GenerationPlan {
        try await call("POST", "/v1/generations?dry_run=1", body: encoder.encode(request))
    }

    /// Cancels the generation (at the provider when it runs there); the generation as it stands after.
    public func cancelGeneration(id: String) async throws -> GenerationView {
        try await call("POST", "/v1/generations/\(Self.encoded(id))/cancel")
    }

    /// Replaces tags (`tags`), edits them (`add_tags`, `remove_tags`) or sets the note.
    public func annotate(id: String, _ request: AnnotationRequest) async throws -> GenerationView {
        try await call("PATCH", "/v1/generations/\(Self.encoded(id))", body: encoder.encode(request))
    }

    /// The generation's share links, newest first.
    public func shares(id: String) async throws -> [ShareView] {
        try await call("GET", "/v1/generations/\(Self.encoded(id))/shares")
    }

    public func revokeShare(id: String) async throws {
        let _: Empty = try await call("DELETE", "/v1/shares/\(Self.encoded(id))")
    }

    public func deleteGeneration(id: String) async throws {
        let _: Empty = try await call("DELETE", "/v1/generations/\(Self.encoded(id))")
    }

    /// Sends again a create that may not have reached the provider (`POST /v1/generations/{id}/resend`).
    public func resendGeneration(id: String) async throws -> GenerationView {
        try await call("POST", "/v1/generations/\(Self.encoded(id))/resend")
    }

    public func generation(id: String) async throws -> GenerationView {
        try await call("GET", "/v1/generations/\(Self.encoded(id))")
    }

    /// One page of `GET /v1/generations` with these query parameters (`q`, `model`, `cursor`, ...); nil values are
    /// left out.
    public func search(_ parameters: [(String, String?)]) async throws -> GenerationPage {
        try await call("GET", "/v1/generations" + Self.query(parameters))
    }

    public func search(text: String?, limit: Int = 20) async throws -> GenerationPage {
        try await search([("q", text), ("limit", String(limit))])
    }

    /// Streams a local file into the team's archive (`POST /v1/uploads`).
    public func upload(file: URL) async throws -> UploadedFile {
        try await call("POST", "/v1/uploads", bodyFile: file, contentType: "application/octet-stream")
    }

    public func importPredictions(_ ids: [String], model: String?) async throws -> [ImportResult] {
        let answer: ImportAnswer = try await call(
            "POST", "/v1/imports", body: encoder.encode(ImportRequest(predictionIDs: ids, model: model)))
        return answer.results
    }

    public func spend(groupBy: SpendGrouping, from: String?, to: String?) async throws -> SpendReport {
        try await call("GET", "/v1/spend" + Self.query([("group_by", groupBy.rawValue), ("from", from), ("to", to)]))
    }

    /// The provider's video models (the service's cached catalogue).
    public func models() async throws -> [ModelSummary] { try await call("GET", "/v1/models") }

    /// The team the token acts for, its budgets and what it used of them.
    public func team() async throws -> TeamBudgetStatus { try await call("GET", "/v1/team") }

    /// The team's tokens (a token with the `admin` scope).
    public func tokens() async throws -> [TokenView] { try await call("GET", "/v1/tokens") }

    /// A new token of the team; the answer holds it, once.
    public func createToken(_ request: TokenRequest) async throws -> TokenView {
        try await call("POST", "/v1/tokens", body: encoder.encode(request))
    }

    public func revokeToken(id: String) async throws {
        let _: Empty = try await call("DELETE", "/v1/tokens/\(Self.encoded(id))")
    }

    /// One model with its price and request schema.
    public func model(slug: String) async throws -> ModelDetail {
        try await call("GET", "/v1/models/\(Self.encoded(slug))")
    }

    /// A share link for the generation (its page and video open without a token until it expires).
    public func share(id: String, expiresInS: Double?) async throws -> CreatedShare {
        try await call(
            "POST", "/v1/generations/\(Self.encoded(id))/share", body: encoder.encode(ShareRequest(expiresInS: expiresInS)))
    }

    /// Registers an outgoing webhook endpoint; the answer holds its signing secret (shown once).
    public func createEndpoint(_ request: EndpointRequest) async throws -> EndpointView {
        try await call("POST", "/v1/endpoints", body: encoder.encode(request))
    }

    public func endpoints() async throws -> [EndpointView] { try await call("GET", "/v1/endpoints") }

    public func updateEndpoint(id: String, _ request: EndpointRequest) async throws -> EndpointView {
        try await call("PATCH", "/v1/endpoints/\(Self.encoded(id))", body: encoder.encode(request))
    }

    public func deleteEndpoint(id: String) async throws {
        let _: Empty = try await call("DELETE", "/v1/endpoints/\(Self.encoded(id))")
    }

    public func deliveries(endpointID: String, limit: Int = 50) async throws -> [DeliveryView] {
        try await call("GET", "/v1/endpoints/\(Self.encoded(endpointID))/deliveries?limit=\(limit)")
    }

    public func replay(endpointID: String, messageID: String) async throws {
        let _: StatusAnswer = try await call(
            "POST", "/v1/endpoints/\(Self.encoded(endpointID))/deliveries/\(Self.encoded(messageID))/replay")
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

    func call<T: Decodable>(
        _ method: String, _ path: String, body: Data? = nil, bodyFile: URL? = nil,
        contentType: String = "application/json"
    ) async throws -> T {
        var headers = authorization
        headers.append(("Accept", "application/json"))
        if body != nil || bodyFile != nil { headers.append(("Content-Type", contentType)) }
        let response: HTTPResponse
        do {
            response = try await transport.send(
                HTTPRequest(
                    method: method, url: baseURL + path, headers: headers, body: body, bodyFile: bodyFile,
                    timeout: bodyFile == nil ? requestTimeout : .seconds(600)))
        } catch {
            throw VaultUnreachable(url: baseURL, cause: error)
        }
        guard (200..<300).contains(response.status) else { throw refusal(response.status, body: response.body) }
        if response.status == 204, let empty = Empty() as? T { return empty }
        return try decoder.decode(T.self, from: response.body)
    }

    /// The `Authorization` header, when there is a token.
    var authorization: [(name: String, value: String)] { token.map { [("Authorization", "Bearer \($0)")] } ?? [] }

    /// The error an unsuccessful answer stands for.
    func refusal(_ status: Int, body: Data) -> VaultClientError {
        VaultClientError(
            status: status, error: try? decoder.decode(ErrorBody.self, from: body).error,
            body: String(decoding: body.prefix(2048), as: UTF8.self), tokenSent: token != nil, server: baseURL)
    }

    struct Empty: Decodable {}

    static func query(_ parameters: [(String, String?)]) -> String {
        let pairs = parameters.compactMap { name, value in value.map { "\(name)=\(encoded($0))" } }
        return pairs.isEmpty ? "" : "?" + pairs.joined(separator: "&")
    }

    static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    static func encoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }
}

/// An error answer from EachVault: its status and the error body, which says what was wrong.
public struct VaultClientError: Error, CustomStringConvertible {
    public var status: Int
    /// The decoded `{"error": ...}` body; nil when the answer was not one (a proxy's page, say).
    public var error: ErrorBody.Detail?
    /// The answer's first bytes, as text.
    public var body: String
    /// Whether the request carried a token (a 401 then means it was refused, not missing).
    public var tokenSent = true
    /// The server that answered.
    public var server = ""

    public var description: String {
        switch status {
        case 401 where !tokenSent:
            "no team token was sent to \(server): run `eachvault login`, or set EACHVAULT_TOKEN"
        case 401:
            "\(server) refused the team token (revoked, mistyped, or made for another server): run `eachvault login` "
                + "again, or check EACHVAULT_TOKEN"
        default:
            "HTTP \(status): \(error?.message ?? body)"
        }
    }
}

/// EachVault could not be reached at all: the URL tried and why.
public struct VaultUnreachable: Error, CustomStringConvertible {
    public var url: String
    /// What the transport said went wrong.
    public var cause: any Error
    /// What else the caller should know (a kept partial file, say).
    public var remark: String?

    public init(url: String, cause: any Error, remark: String? = nil) {
        self.url = url
        self.cause = cause
        self.remark = remark
    }

    /// False only when the request certainly never reached the server (connection refused, say): then sending it
    /// again cannot do anything twice.
    public var requestMayHaveBeenSent: Bool { (cause as? TransportError)?.requestMayHaveBeenSent ?? true }

    public var description: String {
        "cannot reach EachVault at \(url) (\(cause)\(remark.map { "; " + $0 } ?? "")): is `eachvault serve` running there? Pass --server, set "
            + "EACHVAULT_URL, or run `eachvault login --server URL`"
    }
}
