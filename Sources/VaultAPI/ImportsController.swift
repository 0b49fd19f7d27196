import Foundation
import Hummingbird
import Storage
import VaultContract
import Workers

/// `POST /v1/imports`: archive predictions made outside EachVault. Needs a token with the `import` scope: with one
/// shared provider key, nothing proves which team made a prediction, so an operator decides who may claim them.
struct ImportsController<UseCases: ImportUseCases> {
    let archive: UseCases

    func addRoutes(to group: RouterGroup<VaultRequestContext>) {
        group.post("imports", use: importPredictions)
    }

    /// `{"prediction_ids": ["..."], "model"?: "<slug>"}` → `{"results": [{prediction_id, outcome, generation_id?}]}`.
    /// Idempotent: a prediction the team already archived answers `already_archived`.
    @Sendable func importPredictions(_ request: Request, context: VaultRequestContext) async throws -> Response {
        let team = try context.requireTeam(scope: .import)  // who may, before what is asked
        let example = #"{"prediction_ids": ["..."]}"#
        let body = try await request.decodeJSON(ImportRequest.self, context: context, example: example)
        guard (1...100).contains(body.predictionIDs.count) else {
            throw APIError.badRequest("the body must be JSON like \(example) with 1 to 100 ids")
        }
        let results = await archive.importPredictions(body.predictionIDs, teamID: team.id, model: body.model)
        return try ImportAnswer(results: results).response(from: request, context: context)
    }
}
