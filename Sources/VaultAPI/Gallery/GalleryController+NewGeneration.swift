import Archive
import EachLabs
import Hummingbird
import VaultContract
import Workers

/// A new generation from a form built from the model's schema, with errors beside their fields.
extension GalleryController {
    @Sendable func newForm(_ request: Request, context: VaultRequestContext) async throws -> Response {
        try await renderNew(
            context.requireVisit(), slug: request.uri.queryParameters.get("model"), given: [:], problems: [])
    }

    @Sendable func submit(_ request: Request, context: VaultRequestContext) async throws -> Response {
        let visit = try context.requireVisit()
        let slug = visit.form["model"] ?? ""
        let given = visit.form.filter { $0.key != "model" && $0.key != GallerySession.formField }
        let input = given.filter { !$0.value.isEmpty }.mapValues(JSONValue.string)  // the schema types them
        do {
            let generation = try await archive.createGeneration(
                GenerationRequest(model: slug, input: input), teamID: visit.team.id)
            return .redirect(to: "/g/\(generation.generation.id)", type: .normal)
        } catch .invalidInput(let problems) {
            return try await renderNew(visit, slug: slug, given: given, problems: problems, status: .unprocessableContent)
        } catch {
            return try await renderNew(
                visit, slug: slug, given: given, problems: [], status: .unprocessableContent,
                error: error.apiError.message)
        }
    }

    func renderNew(
        _ visit: GalleryVisit, slug: String?, given: [String: String], problems: [FieldProblem],
        status: HTTPResponse.Status = .ok, error: String? = nil
    ) async throws -> Response {
        let models = try await archive.cachedModels()
        let model = models.first { $0.slug == slug }
        return pages.render(
            NewGenerationPage(
                team: visit.team.name, csrf: visit.formToken,
                models: models.map { Option(value: $0.slug, title: $0.title, selected: $0.slug == slug) },
                error: error, model: model?.slug,
                fields: model.map { SchemaForm.fields(for: $0.requestSchema, given: given, problems: problems) }),
            status: status)
    }
}
