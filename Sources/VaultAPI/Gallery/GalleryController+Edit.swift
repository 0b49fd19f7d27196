import Foundation
import Hummingbird
import VaultDomain
import Workers

/// A generation's page as a place to work: its tags and note edited, the generation cancelled or deleted.
extension GalleryController {
    /// `POST /g/{id}/annotate`: `tags` (comma-separated, replacing the set) and `note` (empty removes it).
    @Sendable func annotate(_ request: Request, context: VaultRequestContext) async throws -> Response {
        let visit = try context.requireVisit()
        let id = try context.parameters.require("id")
        let tags = (visit.form["tags"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        let note = visit.form["note"].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        do {
            guard
                try await archive.annotateGeneration(
                    id: id, teamID: visit.team.id, tags: tags, note: .some(note.flatMap { $0.isEmpty ? nil : $0 }),
                    favourite: nil) != nil
            else { return notFound(request) }
        } catch let refusal as Annotations.Refusal {
            return try await renderDetail(
                id: id, visit: visit, share: nil, request: request, problem: "\(refusal.field): \(refusal.problem)")
        }
        return .redirect(to: "/g/\(id)", type: .normal)
    }

    /// `POST /g/{id}/favourite`: `favourite=1` stars it, `0` takes the star off; back to where the form was.
    @Sendable func favourite(_ request: Request, context: VaultRequestContext) async throws -> Response {
        let visit = try context.requireVisit()
        let id = try context.parameters.require("id")
        guard
            try await archive.annotateGeneration(
                id: id, teamID: visit.team.id, tags: nil, note: .none, favourite: visit.form["favourite"] == "1") != nil
        else { return notFound(request) }
        return .redirect(to: Request.localPage(visit.form["back"] ?? "/g/\(id)"), type: .normal)
    }

    /// `POST /g/{id}/cancel`: at the provider when it runs there; the page says what happened.
    @Sendable func cancel(_ request: Request, context: VaultRequestContext) async throws -> Response {
        let visit = try context.requireVisit()
        let id = try context.parameters.require("id")
        do {
            _ = try await archive.cancelGeneration(id: id, teamID: visit.team.id)
        } catch CancelRefusal.notFound {
            return notFound(request)
        } catch let refusal as CancelRefusal {
            return try await renderDetail(id: id, visit: visit, share: nil, request: request, problem: refusal.apiError.message)
        }
        return .redirect(to: "/g/\(id)", type: .normal)
    }

    /// `POST /g/{id}/delete`: back to the gallery.
    @Sendable func delete(_ request: Request, context: VaultRequestContext) async throws -> Response {
        let visit = try context.requireVisit()
        guard try await archive.deleteGeneration(id: try context.parameters.require("id"), teamID: visit.team.id) else {
            return notFound(request)
        }
        return .redirect(to: "/", type: .normal)
    }
}
