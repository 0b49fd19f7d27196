import Foundation
import Hummingbird
import Storage
import Workers

/// `/collections`: the team's named collections (create, share as one link, delete); each opens as the gallery
/// filtered to it (`/?collection={id}`), where the bulk bar adds the selected cards to a collection or takes them
/// out of the one shown.
extension GalleryController {
    @Sendable func collectionsPage(_ request: Request, context: VaultRequestContext) async throws -> Response {
        try await renderCollections(context.requireVisit(), request)
    }

    /// `POST /collections`: a new collection from `name` and `description`.
    @Sendable func addCollection(_ request: Request, context: VaultRequestContext) async throws -> Response {
        let visit = try context.requireVisit()
        let description = (visit.form["description"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        do {
            _ = try await archive.createCollection(
                name: visit.form["name"] ?? "", description: description.isEmpty ? nil : description, adding: [],
                teamID: visit.team.id)
            return .redirect(to: "/collections", type: .normal)
        } catch let refusal as CollectionRefusal {
            return try await renderCollections(visit, request, problem: refusal.description)
        }
    }

    /// `POST /collections/{id}/share`: one link to the collection's page, shown once.
    @Sendable func shareCollection(_ request: Request, context: VaultRequestContext) async throws -> Response {
        let visit = try context.requireVisit()
        guard
            let (token, _) = try await archive.createShare(
                .collection(try context.parameters.require("id")), teamID: visit.team.id,
                lifetime: Vault.defaultShareLifetime)
        else { return notFound(request) }
        return try await renderCollections(visit, request, link: "\(baseURL(request))/s/\(token)")
    }

    /// `POST /collections/{id}/delete`: the collection and its links go; its generations stay.
    @Sendable func deleteCollection(_ request: Request, context: VaultRequestContext) async throws -> Response {
        let visit = try context.requireVisit()
        _ = try await archive.deleteCollection(id: try context.parameters.require("id"), teamID: visit.team.id)
        return .redirect(to: "/collections", type: .normal)
    }

    /// The bulk bar's `collect` (into the picked collection) and `uncollect` (out of the one shown).
    func changeCollection(
        _ action: String, _ selected: [String], visit: GalleryVisit, back: String, request: Request
    ) async throws -> Response {
        guard let id = visit.form["collection"], !id.isEmpty else {
            return pages.render(
                MessagePage(title: "msg_badRequest", reason: "bulk_pickCollection", back: back), for: request,
                status: .badRequest)
        }
        do {
            let changed = try await archive.changeCollection(
                id: id, teamID: visit.team.id, name: nil, description: .none, adding: action == "collect" ? selected : [],
                removing: action == "collect" ? [] : selected)
            guard changed != nil else { return notFound(request) }
            return .redirect(to: back, type: .normal)
        } catch let refusal as CollectionRefusal {
            return pages.render(
                MessagePage(title: "msg_refused", reason: refusal.description, back: back), for: request,
                status: .unprocessableContent)
        }
    }

    func renderCollections(_ visit: GalleryVisit, _ request: Request, link: String? = nil, problem: String? = nil)
        async throws -> Response
    {
        let language = PageLanguage(request)
        let collections = try await archive.collections(teamID: visit.team.id).map {
            CollectionsPage.Row(
                id: $0.collection.id, name: $0.collection.name, description: $0.collection.description,
                items: language.count($0.itemCount), updated: language.moment($0.collection.updatedAt))
        }
        return pages.render(
            CollectionsPage(
                team: visit.team.name, csrf: visit.formToken, collections: collections, hasCollections: !collections.isEmpty,
                link: link, problem: problem),
            for: request, status: problem == nil ? .ok : .unprocessableContent)
    }
}
