import Foundation

/// `POST /v1/collections` (a name, perhaps a description and first generations) and `PATCH /v1/collections/{id}`
/// (any of these). An absent description is left alone; `null` clears it.
public struct CollectionRequest: Sendable, Codable {
    public var name: String?
    public var description: String??
    /// Generation ids added to the collection (ones already in it are kept once).
    public var add: [String]?
    /// Generation ids taken out of it (the generations themselves stay).
    public var remove: [String]?

    public init(name: String? = nil, description: String?? = .none, add: [String]? = nil, remove: [String]? = nil) {
        (self.name, self.description, self.add, self.remove) = (name, description, add, remove)
    }

    enum Keys: String, CodingKey { case name, description, add, remove }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        description =
            container.contains(.description) ? .some(try container.decodeIfPresent(String.self, forKey: .description)) : .none
        add = try container.decodeIfPresent([String].self, forKey: .add)
        remove = try container.decodeIfPresent([String].self, forKey: .remove)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encodeIfPresent(name, forKey: .name)
        if let description { try container.encode(description, forKey: .description) }
        try container.encodeIfPresent(add, forKey: .add)
        try container.encodeIfPresent(remove, forKey: .remove)
    }
}

/// A named collection: its generations are `GET /v1/generations?collection={id}`.
public struct CollectionView: Sendable, Codable, Equatable {
    public var id: String
    public var name: String
    public var description: String?
    public var itemCount: Int
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: String, name: String, description: String?, itemCount: Int, createdAt: Date, updatedAt: Date) {
        (self.id, self.name, self.description, self.itemCount) = (id, name, description, itemCount)
        (self.createdAt, self.updatedAt) = (createdAt, updatedAt)
    }

    enum CodingKeys: String, CodingKey {
        case id, name, description
        case itemCount = "item_count"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}
