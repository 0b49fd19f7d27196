import EachLabs
import Foundation
import Hummingbird
import Storage
import VaultContract
import Workers

/// `/v1/collections`: a team's named collections. Their generations are searched with `?collection={id}` on
/// `/v1/generations`; a collection is shared as one link by `POST /v1/collections/{id}/share` (`SharesController`).
struct CollectionsController<UseCases: CollectionUseCases> {
    let archive: UseCases

    func addRoutes(to group: RouterGroup<VaultRequestContext>) {
        group.post(use: create)
        group.get(use: list)
        group.get("{id}", use: show)
        group.patch("{id}", use: update)
        group.delete("{id}", use: delete)
    }

    @Sendable func create(_ request: Request, context: VaultRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(
            CollectionRequest.self, context: context, example: #"{"name": "launch teaser", "add": ["gen_..."]}"#)
        guard let name = body.name else {
            throw APIError(
                status: .unprocessableContent, code: "invalid_collection", message: "name is required",
                fields: [FieldProblem(field: "name", problem: "is required")])
        }
        let created = try await refusing {
            try await archive.createCollection(
                name: name, description: body.description ?? nil, adding: body.add ?? [], teamID: try context.requireTeam().id)
        }
        return try EditedResponse(status: .created, response: Self.view(created)).response(from: request, context: context)
    }

    @Sendable func list(_ request: Request, context: VaultRequestContext) async throws -> [CollectionView] {
        try await archive.collections(teamID: try context.requireTeam().id).map(Self.view)
    }

    @Sendable func show(_ request: Request, context: VaultRequestContext) async throws -> CollectionView {
        guard let summary = try await archive.collection(id: try context.parameters.require("id"), teamID: try context.requireTeam().id)
        else { throw APIError.notFound("collection") }
        return Self.view(summary)
    }

    @Sendable func update(_ request: Request, context: VaultRequestContext) async throws -> CollectionView {
        let body = try await request.decodeJSON(
            CollectionRequest.self, context: context, example: #"{"add": ["gen_..."], "remove": ["gen_..."]}"#)
        let id = try context.parameters.require("id")
        let teamID = try context.requireTeam().id
        guard
            let changed = try await refusing({
                try await archive.changeCollection(
                    id: id, teamID: teamID, name: body.name, description: body.description, adding: body.add ?? [],
                    removing: body.remove ?? [])
            })
        else { throw APIError.notFound("collection") }
        return Self.view(changed)
    }

    @Sendable func delete(_ request: Request, context: VaultRequestContext) async throws -> Response {
        guard try await archive.deleteCollection(id: try context.parameters.require("id"), teamID: try context.requireTeam().id)
        else { throw APIError.notFound("collection") }
        return Response(status: .noContent)
    }

    static func view(_ summary: CollectionSummary) -> CollectionView {
        let collection = summary.collection
        return CollectionView(
            id: collection.id, name: collection.name, description: collection.description, itemCount: summary.itemCount,
            createdAt: collection.createdAt, updatedAt: collection.updatedAt)
    }

    /// A refused change as the answer saying why: 409 for a name in use, 422 for the rest.
    private func refusing<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let refusal as CollectionRefusal {
            switch refusal {
            case .invalid(let field, let problem):
                throw APIError(
                    status: .unprocessableContent, code: "invalid_collection", message: refusal.description,
                    fields: [FieldProblem(field: field, problem: problem)])
            case .nameTaken:
                throw APIError(status: .conflict, code: "collection_name_taken", message: refusal.description)
            case .unknownGenerations:
                throw APIError(status: .unprocessableContent, code: "unknown_generations", message: refusal.description)
            case .full, .tooMany:
                throw APIError(status: .unprocessableContent, code: "collection_limit", message: refusal.description)
            }
        }
    }
}
