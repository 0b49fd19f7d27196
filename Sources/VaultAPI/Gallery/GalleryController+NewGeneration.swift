import Archive
import EachLabs
import Foundation
import HTTPTypes
import Hummingbird
import VaultContract
import Workers

/// A new generation from a form built from the model's schema, with errors beside their fields.
extension GalleryController {
    @Sendable func newForm(_ request: Request, context: VaultRequestContext) async throws -> Response {
        guard let (team, formToken) = try await session(request).signedIn(request) else {
            return .redirect(to: "/login", type: .normal)
        }
        return try await renderNew(
            team: team, formToken: formToken, slug: request.uri.queryParameters.get("model"),
            given: [:], problems: [])
    }

    @Sendable func submit(_ request: Request, context: VaultRequestContext) async throws -> Response {
        guard let (team, formToken) = try await session(request).signedIn(request) else {
            return .redirect(to: "/login", type: .normal)
        }
        let form = try await FormBody(request)
        guard GallerySession.acceptsPost(request, form: form, cookie: GallerySession.cookie) else { return forbidden() }
        let slug = form["model"] ?? ""
        var given: [String: String] = [:]
        for (name, value) in form.fields where name != "model" && name != GallerySession.formField { given[name] = value }
        let input = given.filter { !$0.value.isEmpty }.mapValues(JSONValue.string)  // the schema types them
        do {
            let generation = try await vault.createGeneration(GenerationRequest(model: slug, input: input), teamID: team.id)
            return .redirect(to: "/g/\(generation.generation.id)", type: .normal)
        } catch .invalidInput(let problems) {
            return try await renderNew(
                team: team, formToken: formToken, slug: slug, given: given, problems: problems,
                status: .unprocessableContent)
        } catch {
            return try await renderNew(
                team: team, formToken: formToken, slug: slug, given: given, problems: [],
                status: .unprocessableContent,
                error: GenerationsController.apiError(for: error).message)
        }
    }

    func renderNew(
        team: Team, formToken: String, slug: String?, given: [String: String],
        problems: [FieldProblem], status: HTTPResponse.Status = .ok, error: String? = nil
    )
        async throws -> Response
    {
        let models = try await vault.cachedModels()
        var values: [String: Any] = [
            "title": "New generation", "team": team.name, "csrf": formToken,
            "models": models.map { ["slug": $0.slug, "title": $0.title, "selected": $0.slug == slug] },
        ]
        if let error { values["error"] = error }
        if let slug, let model = models.first(where: { $0.slug == slug }) {
            values["model"] = model.slug
            values["fields"] = SchemaForm.fields(for: model.requestSchema, given: given, problems: problems)
        }
        return pages.render("new", values, status: status)
    }
}
