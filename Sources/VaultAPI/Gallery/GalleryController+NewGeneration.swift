import EachLabs
import Hummingbird
import Storage
import VaultContract
import Workers

/// A new generation from a form built from the model's schema, with errors beside their fields.
extension GalleryController {
    @Sendable func newForm(_ request: Request, context: VaultRequestContext) async throws -> Response {
        let visit = try context.requireVisit()
        let parameters = request.uri.queryParameters
        if let original = parameters.get("from") {
            return try await renderRemake(
                visit, of: original, variation: parameters.get("variation") == "1", request: request)
        }
        return try await renderNew(visit, request, slug: parameters.get("model"), given: [:], problems: [])
    }

    /// "Make again" and "Variation": the form filled with a generation's model and input, its media inputs by their
    /// archived `sha256:` references (nothing is uploaded again); a variation leaves the seed out, so the provider
    /// picks another. Above the form: the cost estimate, and the generation an identical request would be answered by.
    func renderRemake(_ visit: GalleryVisit, of id: String, variation: Bool, request: Request) async throws -> Response {
        guard let original = try await archive.generationDetail(id: id, teamID: visit.team.id) else {
            return notFound(request)
        }
        var input = original.generation.input
        for stored in original.inputs {
            guard let sha256 = stored.asset?.sha256 else { continue }
            input = input.mapValues { $0 == .string(stored.input.sourceURL) ? .string("sha256:\(sha256)") : $0 }
        }
        if variation { input["seed"] = nil }
        let plan = try await archive.planGeneration(
            GenerationRequest(model: original.generation.model, input: input), teamID: visit.team.id)
        let language = PageLanguage(request)
        return try await renderNew(
            visit, request, slug: original.generation.model, given: input.mapValues(\.displayText), problems: [],
            plan: NewGenerationPage.Plan(
                from: id, isVariation: variation,
                cost: plan.costEstimate.usd.map(language.dollars)
                    ?? language.text("new_unknownCost", ["basis": plan.costEstimate.basis]),
                exactMatch: variation ? nil : plan.exactMatch))
    }

    @Sendable func submit(_ request: Request, context: VaultRequestContext) async throws -> Response {
        let visit = try context.requireVisit()
        let slug = visit.form["model"] ?? ""
        let madeFrom = visit.form["made_from"].flatMap { $0.isEmpty ? nil : $0 }
        let isVariation = visit.form["variation"] == "1"
        let given = visit.form.filter { !["model", "made_from", "variation", GallerySession.formField].contains($0.key) }
        let input = given.filter { !$0.value.isEmpty }.mapValues(JSONValue.string)  // the schema types them
        do {
            let generation = try await archive.createGeneration(
                GenerationRequest(model: slug, input: input, dedup: isVariation ? false : nil, madeFrom: madeFrom),
                teamID: visit.team.id)
            return .redirect(to: "/g/\(generation.generation.id)", type: .normal)
        } catch .invalidInput(let problems) {
            return try await renderNew(
                visit, request, slug: slug, given: given, problems: problems, status: .unprocessableContent,
                madeFrom: madeFrom, isVariation: isVariation)
        } catch {
            return try await renderNew(
                visit, request, slug: slug, given: given, problems: [], status: .unprocessableContent,
                error: error.apiError.message, madeFrom: madeFrom, isVariation: isVariation)
        }
    }

    func renderNew(
        _ visit: GalleryVisit, _ request: Request, slug: String?, given: [String: String], problems: [FieldProblem],
        status: HTTPResponse.Status = .ok, error: String? = nil, plan: NewGenerationPage.Plan? = nil,
        madeFrom: String? = nil, isVariation: Bool = false
    ) async throws -> Response {
        let models = try await archive.cachedModels()
        let model = models.first { $0.slug == slug }
        return pages.render(
            NewGenerationPage(
                team: visit.team.name, csrf: visit.formToken,
                models: models.map { Option(value: $0.slug, title: $0.title, selected: $0.slug == slug) },
                error: error, model: model?.slug,
                fields: model.map {
                    SchemaForm.fields(for: $0.requestSchema, given: given, problems: problems, in: PageLanguage(request))
                },
                plan: plan, madeFrom: madeFrom ?? plan?.from, isVariation: isVariation || plan?.isVariation == true),
            for: request, status: status)
    }
}
