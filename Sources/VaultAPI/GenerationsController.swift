import Archive
import EachLabs
import Foundation
import HTTPSupport
import Hummingbird
import Workers

/// `/v1/generations`: submit, read, search.
struct GenerationsController {
    let vault: Vault
    let baseURL: @Sendable (Request) -> String

    func addRoutes(to group: RouterGroup<VaultRequestContext>) {
        group.post(use: create)
        group.get(use: search)
        group.get("{id}", use: read)
        group.delete("{id}", use: delete)
        group.patch("{id}", use: annotate)
    }

    @Sendable func create(_ request: Request, context: VaultRequestContext) async throws -> Response {
        // Room for inline (base64) files up to `WorkerSettings.maxInlineFileBytes`.
        let buffer = try await request.body.collect(upTo: vault.settings.maxInlineFileBytes * 4 / 3 + (1 << 20))
        let body: GenerationRequest
        do { body = try JSONDecoder().decode(GenerationRequest.self, from: Data(buffer: buffer)) } catch {
            throw APIError.badRequest("the body must be JSON like {\"model\": \"<slug>\", \"input\": {...}}: \(Self.describe(error))")
        }
        let team = try context.requireTeam()
        do {
            if request.uri.queryParameters.get("dry_run") == "1" {
                return JSONResponse.make(try await vault.planGeneration(body, teamID: team.id))
            }
            let created = try await vault.createGeneration(body, teamID: team.id)
            return try await respond(
                with: created.generation.id, team: team, request: request, status: .created,
                deduplicatedFrom: created.deduplicatedFrom)
        } catch let error as SubmissionError {
            throw Self.apiError(for: error)
        }
    }

    @Sendable func read(_ request: Request, context: VaultRequestContext) async throws -> Response {
        try await respond(with: try context.parameters.require("id"), team: context.requireTeam(), request: request, status: .ok)
    }

    /// `PATCH {"tags"?: [...], "note"?: "..." | null}`: tags and note after the fact; the search index follows.
    @Sendable func annotate(_ request: Request, context: VaultRequestContext) async throws -> Response {
        struct Body: Decodable {
            var tags: [String]?
            var note: String??

            enum CodingKeys: String, CodingKey { case tags, note }

            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                tags = try container.decodeIfPresent([String].self, forKey: .tags)
                // Absent leaves the note alone; null clears it.
                note = container.contains(.note) ? .some(try container.decodeIfPresent(String.self, forKey: .note)) : .none
            }
        }
        let buffer = try await request.body.collect(upTo: 64 * 1024)
        guard let body = try? JSONDecoder().decode(Body.self, from: Data(buffer: buffer)) else {
            throw APIError.badRequest("the body must be JSON like {\"tags\": [\"client-a\"], \"note\": \"...\"}")
        }
        let team = try context.requireTeam()
        let id = try context.parameters.require("id")
        guard try await vault.annotateGeneration(id: id, teamID: team.id, tags: body.tags, note: body.note) != nil
        else { throw APIError.notFound("generation") }
        return try await respond(with: try context.parameters.require("id"), team: team, request: request, status: .ok)
    }

    /// Deletes the generation (its blobs stay until `eachvault gc` finds them unreferenced by every team).
    @Sendable func delete(_ request: Request, context: VaultRequestContext) async throws -> Response {
        guard try await vault.deleteGeneration(id: try context.parameters.require("id"), teamID: context.requireTeam().id)
        else { throw APIError.notFound("generation") }
        return Response(status: .noContent)
    }

    /// `GET /v1/generations?q&model&category&status&tag&from&to&min_duration&max_duration&resolution&has_audio&
    /// min_cost&max_cost&input&limit&cursor`: a page of the team's generations and the cursor of the next.
    @Sendable func search(_ request: Request, context: VaultRequestContext) async throws -> Response {
        let query = try GenerationQuery(teamID: context.requireTeam().id, parameters: request.uri.queryParameters)
        let (page, details): (SearchPage, [GenerationDetail])
        do {
            let results = try await vault.search(query)
            (page, details) = (results.page, results.details)
        } catch let error as SearchError {
            throw APIError(status: .badRequest, code: "invalid_cursor", message: error.description)
        }
        let base = baseURL(request)
        let items = zip(details, page.hits).map { detail, hit in
            var view = GenerationView(detail, baseURL: base, includeHistory: false)
            view.snippet = hit.snippet?.html
            view.snippetParts = hit.snippet?.segments.map { SnippetPart(text: $0.text, match: $0.isMatch) }
            return view
        }
        return JSONResponse.make(GenerationPage(items: items, count: items.count, nextCursor: page.nextCursor?.token))
    }

    private func respond(
        with id: String, team: Team, request: Request, status: HTTPResponse.Status,
        deduplicatedFrom: String? = nil
    ) async throws -> Response {
        guard let detail = try await vault.generationDetail(id: id, teamID: team.id) else {
            throw APIError.notFound("generation")
        }
        var view = GenerationView(detail, baseURL: baseURL(request))
        view.deduplicatedFrom = deduplicatedFrom
        return JSONResponse.make(view, status: status)
    }

    static func apiError(for error: SubmissionError) -> APIError {
        switch error {
        case .catalogue(.unknownModel(let slug)):
            APIError(
                status: .notFound, code: "unknown_model",
                message: "no model '\(slug)' in the provider's catalogue (GET /v1/models lists them)")
        case .catalogue(.unavailable(let cause)):
            APIError(
                status: .serviceUnavailable, code: "catalogue_unavailable",
                message: "cannot read the model's schema from the provider: \(cause)")
        case .invalidInput(let problems):
            APIError(
                status: .unprocessableContent, code: "invalid_input",
                message: "the input does not match the model's schema: "
                    + problems.map(\.description).joined(separator: "; "), fields: problems)
        case .invalidRequest(let message):
            APIError(status: .unprocessableContent, code: "invalid_request", message: message)
        case .upload(let cause):
            APIError(
                status: .badGateway, code: "upload_failed",
                message: "cannot upload a local file through the provider's upload flow: \(cause)")
        case .storage(let message):
            APIError(status: .internalServerError, code: "storage_error", message: message)
        }
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "missing field '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "wrong type at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
        case DecodingError.dataCorrupted: "malformed JSON"
        default: "malformed JSON"
        }
    }
}
