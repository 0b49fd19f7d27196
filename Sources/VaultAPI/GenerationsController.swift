import EachLabs
import Foundation
import HTTPSupport
import Hummingbird
import Storage
import VaultContract
import Workers

/// `/v1/generations`: submit, read, search.
struct GenerationsController<UseCases: GenerationUseCases> {
    let archive: UseCases
    let baseURL: @Sendable (Request) -> String

    func addRoutes(to group: RouterGroup<VaultRequestContext>) {
        group.post(use: create)
        group.post("plan", use: plan)
        group.get(use: search)
        group.get("{id}", use: read)
        group.delete("{id}", use: delete)
        group.patch("{id}", use: annotate)
        group.post("{id}/resend", use: resend)
        group.post("{id}/cancel", use: cancel)
    }

    /// `POST /v1/generations/plan` (and `?dry_run=1` on a create): what a create would do, without generating.
    @Sendable func plan(_ request: Request, context: VaultRequestContext) async throws -> Response {
        let body = try await decodeRequest(request, context: context)
        do {
            return try await archive.planGeneration(body, teamID: context.requireTeam().id).response(from: request, context: context)
        } catch let error as SubmissionError {
            throw error.apiError
        }
    }

    /// A generation request, with room for inline (base64) files up to `WorkerSettings.maxInlineFileBytes`.
    private func decodeRequest(_ request: Request, context: VaultRequestContext) async throws -> GenerationRequest {
        try await request.decodeJSON(
            GenerationRequest.self, context: context, limit: archive.maxInlineFileBytes * 4 / 3 + (1 << 20),
            example: #"{"model": "<slug>", "input": {...}}"#)
    }

    @Sendable func create(_ request: Request, context: VaultRequestContext) async throws -> Response {
        if request.uri.queryParameters.get("dry_run") == "1" { return try await plan(request, context: context) }
        let body = try await decodeRequest(request, context: context)
        let team = try context.requireTeam()
        do {
            let created = try await archive.createGeneration(body, teamID: team.id)
            return try await respond(
                with: created.generation.id, team: team, request: request, context: context, status: .created,
                deduplicatedFrom: created.deduplicatedFrom)
        } catch let error as SubmissionError {
            throw error.apiError
        }
    }

    @Sendable func read(_ request: Request, context: VaultRequestContext) async throws -> Response {
        try await respond(
            with: try context.parameters.require("id"), team: context.requireTeam(), request: request, context: context,
            status: .ok)
    }

    /// `PATCH {"tags"?: [...], "note"?: "..." | null}`: tags and note after the fact; the search index follows.
    @Sendable func annotate(_ request: Request, context: VaultRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(
            AnnotationRequest.self, context: context, example: #"{"add_tags": ["client-a"], "note": "..."}"#)
        let team = try context.requireTeam()
        let id = try context.parameters.require("id")
        let adding = body.addTags ?? [], removing = body.removeTags ?? []
        let edits = !adding.isEmpty || !removing.isEmpty
        if edits {
            guard body.tags == nil else {
                throw APIError(
                    status: .unprocessableContent, code: "invalid_request",
                    message: "tags replaces the whole set, add_tags and remove_tags edit it: send one or the other")
            }
            guard try await archive.editTags(id: id, teamID: team.id, adding: adding, removing: removing) != nil
            else { throw APIError.notFound("generation") }
        }
        if !edits || body.tags != nil || body.note != nil || body.favourite != nil {
            guard
                try await archive.annotateGeneration(
                    id: id, teamID: team.id, tags: body.tags, note: body.note, favourite: body.favourite) != nil
            else { throw APIError.notFound("generation") }
        }
        return try await respond(with: id, team: team, request: request, context: context, status: .ok)
    }

    /// `POST /v1/generations/{id}/resend`: sends again a create that may not have reached the provider (the
    /// generation's `create_uncertain` says so). 409 when the generation is not in that state.
    @Sendable func resend(_ request: Request, context: VaultRequestContext) async throws -> Response {
        let (id, team) = (try context.parameters.require("id"), try context.requireTeam())
        guard try await archive.resendCreate(id: id, teamID: team.id) else {
            guard try await archive.generationDetail(id: id, teamID: team.id) != nil else {
                throw APIError.notFound("generation")
            }
            throw APIError(
                status: .conflict, code: "not_uncertain",
                message: "only a generation whose create may not have reached the provider can be sent again")
        }
        return try await respond(with: id, team: team, request: request, context: context, status: .accepted)
    }

    /// Deletes the generation (its blobs stay until `eachvault gc` finds them unreferenced by every team).
    @Sendable func delete(_ request: Request, context: VaultRequestContext) async throws -> Response {
        guard try await archive.deleteGeneration(id: try context.parameters.require("id"), teamID: context.requireTeam().id)
        else { throw APIError.notFound("generation") }
        return Response(status: .noContent)
    }

    /// `GET /v1/generations?q&model&category&status&tag&from&to&min_duration&max_duration&resolution&has_audio&
    /// min_cost&max_cost&input&limit&cursor`: a page of the team's generations and the cursor of the next.
    @Sendable func search(_ request: Request, context: VaultRequestContext) async throws -> Response {
        let query = try GenerationQuery(teamID: context.requireTeam().id, parameters: request.uri.queryParameters)
        let (page, details): (SearchPage, [GenerationDetail])
        do {
            let results = try await archive.search(query)
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
        return try GenerationPage(items: items, nextCursor: page.nextCursor?.token, rankingWindow: page.rankingWindow).response(
            from: request, context: context)
    }

    func respond(
        with id: String, team: Team, request: Request, context: VaultRequestContext, status: HTTPResponse.Status,
        deduplicatedFrom: String? = nil
    ) async throws -> Response {
        guard let detail = try await archive.generationDetail(id: id, teamID: team.id) else {
            throw APIError.notFound("generation")
        }
        var view = GenerationView(detail, baseURL: baseURL(request))
        view.deduplicatedFrom = deduplicatedFrom
        return try EditedResponse(status: status, response: view).response(from: request, context: context)
    }
}

extension SubmissionError {
    /// The API's answer to a refused request.
    var apiError: APIError {
        switch self {
        case .catalogue(.unknownModel(let slug, let suggestions)):
            APIError(
                status: .notFound, code: "unknown_model",
                message: "no model '\(slug)' in the provider's catalogue"
                    + (suggestions.isEmpty ? "" : "; did you mean " + suggestions.joined(separator: ", ") + "?")
                    + " (GET /v1/models lists them)",
                fields: [
                    FieldProblem(field: "model", problem: "is not in the catalogue", allowed: suggestions.map(JSONValue.string))
                ])
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
        case .unavailable(let outage):
            .unavailable(outage)
        case .budgetExceeded(let refused, let monthEnds):
            APIError(
                status: HTTPResponse.Status(code: 402, reasonPhrase: "Payment Required"), code: "budget_exceeded",
                message: "this create is estimated at \(dollars(refused.estimateUSD)) and the team has committed "
                    + "\(dollars(refused.spentUSD)) of its \(dollars(refused.limitUSD)) budget this month; nothing was sent. "
                    + "The budget renews on \(monthEnds.formatted(.iso8601.year().month().day())) (UTC), or an "
                    + "operator raises it (eachvault team update --budget-usd)")
        case .storageLimitReached(let used, let limit):
            APIError(
                status: APIError.insufficientStorage, code: "storage_limit_reached",
                message: "the team's files take \(used) bytes of its \(limit)-byte storage limit; nothing was sent. "
                    + "Delete generations or ask an operator to raise it (eachvault team update --storage-gb)")
        }
    }
}

/// An amount as people read it: `$1.25`.
func dollars(_ usd: Double) -> String {
    guard usd.isFinite, (0..<1e12).contains(usd) else { return "$\(usd)" }  // never traps, whatever was reported
    let cents = Int((usd * 100).rounded())
    return "$\(cents / 100).\(String(format: "%02d", cents % 100))"
}
