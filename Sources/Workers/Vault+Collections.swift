import Foundation
import Storage

/// Why a collection was not created or changed; nothing was.
public enum CollectionRefusal: Error, Sendable, Equatable {
    /// A field's value is not one a collection can take.
    case invalid(field: String, problem: String)
    case nameTaken(String)
    /// These ids are not the team's generations.
    case unknownGenerations([String])
    /// The collection would hold more than `NamedCollection.maxItems`.
    case full
    /// The team has `Vault.collectionsPerTeam` collections already.
    case tooMany
}

extension CollectionRefusal: CustomStringConvertible {
    public var description: String {
        switch self {
        case .invalid(let field, let problem): "\(field) \(problem)"
        case .nameTaken(let name): "the team already has a collection named \"\(name)\""
        case .unknownGenerations(let ids): "the team has no generation \(ids.prefix(10).joined(separator: ", "))"
        case .full: "a collection holds at most \(NamedCollection.maxItems) generations"
        case .tooMany: "a team keeps at most \(Vault.collectionsPerTeam) collections"
        }
    }
}

/// Named collections: a team gathers generations under a name, and shares the whole of it as one link.
extension Vault {
    /// How many collections one team may keep.
    public static let collectionsPerTeam = 1_000

    /// A new collection holding `adding` (perhaps none).
    public func createCollection(name: String, description: String?, adding: [String], teamID: String) async throws
        -> CollectionSummary
    {
        let name = try Self.collectionName(name)
        try Self.checkDescription(description)
        guard try await store.collections(teamID: teamID).count < Self.collectionsPerTeam else {
            throw CollectionRefusal.tooMany
        }
        guard let created = try await store.createCollection(name: name, description: description, teamID: teamID, now: now())
        else { throw CollectionRefusal.nameTaken(name) }
        guard !adding.isEmpty else { return CollectionSummary(collection: created, itemCount: 0) }
        do {
            guard let filled = try await changeCollection(id: created.id, teamID: teamID, adding: adding) else {
                throw CollectionRefusal.invalid(field: "name", problem: "was deleted while it was being made")
            }
            return filled
        } catch {
            _ = try? await store.deleteCollection(id: created.id, teamID: teamID)  // all of it, or nothing
            throw error
        }
    }

    public func collections(teamID: String) async throws -> [CollectionSummary] {
        try await store.collections(teamID: teamID)
    }

    public func collection(id: String, teamID: String) async throws -> CollectionSummary? {
        try await store.collection(id: id, teamID: teamID)
    }

    /// Renames, describes (`.some(nil)` clears), adds and removes generations, all or nothing (a refusal throws
    /// `CollectionRefusal`); nil when the team has no such collection.
    public func changeCollection(
        id: String, teamID: String, name: String? = nil, description: String?? = .none, adding: [String] = [],
        removing: [String] = []
    ) async throws -> CollectionSummary? {
        let name = try name.map(Self.collectionName)
        if case .some(let text) = description { try Self.checkDescription(text) }
        for (field, ids) in [("add", adding), ("remove", removing)] where ids.count > NamedCollection.maxItems {
            throw CollectionRefusal.invalid(field: field, problem: "lists more than \(NamedCollection.maxItems) ids")
        }
        switch try await store.changeCollection(
            id: id, teamID: teamID, name: name, description: description, adding: adding, removing: removing, now: now())
        {
        case .changed(let summary): return summary
        case .notFound: return nil
        case .nameTaken: throw CollectionRefusal.nameTaken(name ?? "")
        case .unknownGenerations(let ids): throw CollectionRefusal.unknownGenerations(ids)
        case .full: throw CollectionRefusal.full
        }
    }

    public func deleteCollection(id: String, teamID: String) async throws -> Bool {
        try await store.deleteCollection(id: id, teamID: teamID)
    }

    /// The name trimmed, or why it cannot be one: 1 to 100 characters, no control characters.
    static func collectionName(_ name: String) throws -> String {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= NamedCollection.maxNameLength,
            !trimmed.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) })
        else {
            throw CollectionRefusal.invalid(
                field: "name", problem: "must be 1 to \(NamedCollection.maxNameLength) characters, without control characters")
        }
        return trimmed
    }

    static func checkDescription(_ description: String?) throws {
        guard let description, description.count > NamedCollection.maxDescriptionLength else { return }
        throw CollectionRefusal.invalid(
            field: "description", problem: "must be at most \(NamedCollection.maxDescriptionLength) characters")
    }
}
