import EachLabs

/// A team's request for a new video (`POST /v1/generations`).
public struct GenerationRequest: Sendable, Codable {
    public var model: String
    public var version: String?
    public var input: [String: JSONValue]
    public var tags: [String]?
    /// `false` always generates anew (another take of a seedless prompt); otherwise an identical earlier request
    /// of the team answers it.
    public var dedup: Bool?
    /// The team's generation this one is made again or varied from: recorded, and linked both ways.
    public var madeFrom: String?

    public init(
        model: String, version: String? = nil, input: [String: JSONValue], tags: [String]? = nil,
        dedup: Bool? = nil, madeFrom: String? = nil
    ) {
        self.model = model
        self.version = version
        self.input = input
        self.tags = tags
        self.dedup = dedup
        self.madeFrom = madeFrom
    }

    enum CodingKeys: String, CodingKey {
        case model, version, input, tags, dedup
        case madeFrom = "made_from"
    }
}

/// `PATCH /v1/generations/{id}`: tags and note after the fact. An absent note is left alone; `null` clears it.
public struct AnnotationRequest: Sendable, Codable {
    /// The whole set of tags, replacing the generation's.
    public var tags: [String]?
    /// Tags added to, and removed from, those the generation has (the others kept); not with `tags`.
    public var addTags: [String]?
    public var removeTags: [String]?
    public var note: String??
    /// Marks the generation a favourite (true) or not (false).
    public var favourite: Bool?

    public init(
        tags: [String]? = nil, addTags: [String]? = nil, removeTags: [String]? = nil, note: String?? = .none,
        favourite: Bool? = nil
    ) {
        self.favourite = favourite
        self.tags = tags
        self.addTags = addTags
        self.removeTags = removeTags
        self.note = note
    }

    enum Keys: String, CodingKey {
        case tags, note, favourite
        case addTags = "add_tags"
        case removeTags = "remove_tags"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        tags = try container.decodeIfPresent([String].self, forKey: .tags)
        addTags = try container.decodeIfPresent([String].self, forKey: .addTags)
        removeTags = try container.decodeIfPresent([String].self, forKey: .removeTags)
        favourite = try container.decodeIfPresent(Bool.self, forKey: .favourite)
        note = container.contains(.note) ? .some(try container.decodeIfPresent(String.self, forKey: .note)) : .none
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encodeIfPresent(tags, forKey: .tags)
        try container.encodeIfPresent(addTags, forKey: .addTags)
        try container.encodeIfPresent(removeTags, forKey: .removeTags)
        try container.encodeIfPresent(favourite, forKey: .favourite)
        if let note { try container.encode(note, forKey: .note) }
    }
}
