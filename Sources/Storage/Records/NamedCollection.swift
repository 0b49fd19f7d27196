import Foundation

/// A row of `collections`: generations a team gathered under a name, shareable as one link.
public struct NamedCollection: SQLRecord, Hashable {
    public static let tableName = "collections"

    /// The longest name a collection may have, in characters.
    public static let maxNameLength = 100
    /// The longest description, in characters.
    public static let maxDescriptionLength = 2_000
    /// The most generations one collection holds: its shared page shows them all.
    public static let maxItems = 500

    public var id: String
    public var teamID: String
    public var name: String
    public var description: String?
    public var createdAt: Date
    public var updatedAt: Date

    package static func make(name: String, description: String?, teamID: String, now: Date) -> NamedCollection {
        NamedCollection(
            id: Secrets.id(prefix: "col_"), teamID: teamID, name: name, description: description, createdAt: now,
            updatedAt: now)
    }
}

/// A collection and how many generations it holds.
public struct CollectionSummary: Sendable, Hashable {
    public var collection: NamedCollection
    public var itemCount: Int

    public init(collection: NamedCollection, itemCount: Int) { (self.collection, self.itemCount) = (collection, itemCount) }
}

/// What a change to a collection did.
public enum CollectionChange: Sendable, Hashable {
    case changed(CollectionSummary)
    /// The team has no such collection.
    case notFound
    /// Another of the team's collections has this name.
    case nameTaken
    /// These ids are not the team's generations; nothing was changed.
    case unknownGenerations([String])
    /// Adding would take the collection past `NamedCollection.maxItems`; nothing was changed.
    case full
}
