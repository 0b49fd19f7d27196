import Archive
import Foundation
import HTTPSupport
import Hummingbird
import Workers

/// `POST /v1/imports`: archive predictions made outside EachVault. Needs a token with the `import` scope: with one
/// shared provider key, nothing proves which team made a prediction, so an operator decides who may claim them.
struct ImportsController {
    let vault: Vault

    func addRoutes(to group: RouterGroup<VaultRequestContext>) {
        group.post("imports", use: importPredictions)
    }

    /// `{"prediction_ids": ["..."], "model"?: "<slug>"}` → `{"results": [{prediction_id, outcome, generation_id?}]}`.
    /// Idempotent: a prediction the team already archived answers `already_archived`.
    @Sendable func importPredictions(_ request: Request, context: VaultRequestContext) async throws -> Response {
        struct Body: Decodable {
            var prediction_ids: [String]
            var model: String?
        }
        guard let body = try await JSONResponse.decode(Body.self, from: request, limit: 64 * 1024),
            (1...100).contains(body.prediction_ids.count)
        else {
            throw APIError.badRequest("the body must be JSON like {\"prediction_ids\": [\"...\"]} with 1 to 100 ids")
        }
        let results = await vault.importPredictions(
            body.prediction_ids, teamID: try context.requireTeam(scope: .import).id,
            model: body.model)
        return JSONResponse.make(["results": results])
    }
}
