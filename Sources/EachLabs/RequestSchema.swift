/// A model's `request_schema`: the JSON Schema subset the provider uses for inputs.
public struct RequestSchema: Sendable, Codable, Hashable {
    public var type: String?
    public var required: [String]
    public var properties: [String: PropertySchema]

    public init(required: [String], properties: [String: PropertySchema]) {
        self.type = "object"
        self.required = required
        self.properties = properties
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decodeIfPresent(String.self, forKey: .type)
        required = try container.decodeIfPresent([String].self, forKey: .required) ?? []
        properties = try container.decodeIfPresent([String: PropertySchema].self, forKey: .properties) ?? [:]
    }
}

/// One input parameter's schema.
public struct PropertySchema: Sendable, Codable, Hashable {
    public var type: String?
    public var `enum`: [JSONValue]?
    public var `default`: JSONValue?
    public var minLength: Int?
    public var maxLength: Int?
    public var minimum: Double?
    public var maximum: Double?
    public var maxItems: Int?
    /// What a form shows for the field (JSON Schema's `title` and `description`), where the provider gives them.
    public var title: String?
    public var description: String?

    public init(
        type: String?, enum: [JSONValue]? = nil, default: JSONValue? = nil, minLength: Int? = nil,
        maxLength: Int? = nil, minimum: Double? = nil, maximum: Double? = nil
    ) {
        self.type = type
        self.enum = `enum`
        self.default = `default`
        self.minLength = minLength
        self.maxLength = maxLength
        self.minimum = minimum
        self.maximum = maximum
    }
}
