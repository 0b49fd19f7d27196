import Foundation

/// One offending input field, as reported to the caller (422) before anything reaches the provider.
public struct FieldProblem: Sendable, Codable, Hashable, CustomStringConvertible {
    public var field: String
    /// What is wrong, in English (the API's words).
    public var problem: String
    /// The values the schema allows, when it lists them.
    public var allowed: [JSONValue]?
    /// What is wrong, for pages that say it in another language; nil for problems found outside the schema.
    public var reason: Reason?

    /// The schema's objections, each with its English wording.
    public enum Reason: Sendable, Hashable {
        case required
        case unknownParameter
        /// JSON type names: `integer`, `string`, …, `null` (`value` when the schema names none).
        case wrongType(expected: String, got: String)
        case notAllowed(value: String)
        case tooFewCharacters(Int)
        case tooManyCharacters(Int)
        case tooManyBytes(Int)
        case tooManyItems(Int)
        case belowMinimum(Double)
        case aboveMaximum(Double)

        public var english: String {
            switch self {
            case .required: "is required"
            case .unknownParameter: "is not a parameter of this model"
            case .wrongType(let expected, let got): "must be \(Self.article(expected)), got \(Self.article(got))"
            case .notAllowed(let value): "\(value) is not one of the allowed values"
            case .tooFewCharacters(let count): "must be at least \(count) characters"
            case .tooManyCharacters(let count): "must be at most \(count) characters"
            case .tooManyBytes(let count): "must be at most \(count) bytes"
            case .tooManyItems(let count): "may hold at most \(count) items"
            case .belowMinimum(let bound): "must be at least \(bound)"
            case .aboveMaximum(let bound): "must be at most \(bound)"
            }
        }

        /// `an integer`, `a string`, `null`.
        static func article(_ type: String) -> String {
            type == "null" ? type : (["integer", "array", "object"].contains(type) ? "an " : "a ") + type
        }
    }

    enum CodingKeys: String, CodingKey { case field, problem, allowed }

    public init(field: String, problem: String, allowed: [JSONValue]? = nil) {
        self.field = field
        self.problem = problem
        self.allowed = allowed
    }

    public init(field: String, reason: Reason, allowed: [JSONValue]? = nil) {
        self.init(field: field, problem: reason.english, allowed: allowed)
        self.reason = reason
    }

    public var description: String {
        let allowedText = allowed.map { " (allowed: \($0.map(\.displayText).joined(separator: ", ")))" } ?? ""
        return "\(field): \(problem)\(allowedText)"
    }
}

extension RequestSchema {
    /// Checks `input` against the schema. Values the schema makes equivalent are normalised to the schema's own
    /// type (a duration of `5` where the schema says the string `"5"`, and the reverse), so the provider receives
    /// what it documents. Returns the normalised input, or every problem found (never just the first).
    public func validate(_ input: [String: JSONValue]) -> Result<[String: JSONValue], ValidationFailure> {
        var problems: [FieldProblem] = []
        var normalised: [String: JSONValue] = [:]
        for name in required where input[name] == nil || input[name] == .null {
            problems.append(FieldProblem(field: name, reason: .required, allowed: allowedValues(of: name)))
        }
        for (name, value) in input {
            guard let property = properties[name] else {
                problems.append(FieldProblem(field: name, reason: .unknownParameter))
                continue
            }
            if value == .null { continue }  // an explicit null means "not given"
            let allowed = allowedValues(of: name)
            switch property.check(value, allowed: allowed) {
            case .success(let value): normalised[name] = value
            case .failure(let problem): problems.append(FieldProblem(field: name, reason: problem.reason, allowed: allowed))
            }
        }
        if problems.isEmpty { return .success(normalised) }
        return .failure(ValidationFailure(problems: problems.sorted { $0.field < $1.field }))
    }

    /// The values field `name` may take, when the catalogue's list can be trusted (`enforcedEnum`). A media
    /// field's value is a URL or file reference, so a list there names something else (some entries list the file
    /// formats an `image_url` may take: png, jpeg, webp) and is never enforced: the model would be unusable.
    public func allowedValues(of name: String) -> [JSONValue]? {
        guard let property = properties[name], !Self.isMediaField(name, type: property.type) else { return nil }
        return property.enforcedEnum
    }

    /// `input` with every schema default filled in where the field is absent: what the provider will run with.
    public func applyingDefaults(to input: [String: JSONValue]) -> [String: JSONValue] {
        var effective = input
        for (name, property) in properties where effective[name] == nil || effective[name] == .null {
            if let value = property.default { effective[name] = value } else { effective[name] = nil }
        }
        return effective
    }
}

/// Every problem found in one input.
public struct ValidationFailure: Error, Sendable, Hashable {
    public var problems: [FieldProblem]
}

struct PropertyProblem: Error {
    var reason: FieldProblem.Reason
}

extension PropertySchema {
    /// The most items an array input may hold when its schema names no smaller bound: each item of a media array
    /// becomes a download, and no model takes more than a handful of reference images.
    public static let maxArrayItems = 16
    /// The longest text an input may hold when its schema names no bound: a prompt of a few thousand words is
    /// already more than any model reads.
    public static let maxTextBytes = 20_000

    /// The value converted to this property's type, or why it cannot be; `allowed` lists the values it may take.
    func check(_ value: JSONValue, allowed: [JSONValue]?) -> Result<JSONValue, PropertyProblem> {
        guard let typed = coerced(value) else {
            return .failure(PropertyProblem(reason: .wrongType(expected: type ?? "value", got: value.kindName)))
        }
        if let choices = allowed, !choices.contains(typed) {
            return .failure(PropertyProblem(reason: .notAllowed(value: typed.displayText)))
        }
        if case .string(let text) = typed {
            if let minLength, text.count < minLength { return .failure(PropertyProblem(reason: .tooFewCharacters(minLength))) }
            if let maxLength, text.count > maxLength { return .failure(PropertyProblem(reason: .tooManyCharacters(maxLength))) }
        }
        if case .string(let text) = typed, maxLength == nil, text.utf8.count > Self.maxTextBytes {
            return .failure(PropertyProblem(reason: .tooManyBytes(Self.maxTextBytes)))
        }
        let itemLimit = min(maxItems ?? Self.maxArrayItems, Self.maxArrayItems)
        if case .array(let items) = typed, items.count > itemLimit {
            return .failure(PropertyProblem(reason: .tooManyItems(itemLimit)))
        }
        if let number = typed.numericValue {
            if let minimum, number < minimum { return .failure(PropertyProblem(reason: .belowMinimum(minimum))) }
            if let maximum, number > maximum { return .failure(PropertyProblem(reason: .aboveMaximum(maximum))) }
        }
        return .success(typed)
    }

    /// The allowed values, when they can be trusted. Some catalogue entries carry a truncated or garbled enum
    /// (JSON fragments, "Le..."), recognisable because it does not contain the field's own default: enforcing
    /// such a list would reject inputs the provider accepts, so only the type is checked then.
    public var enforcedEnum: [JSONValue]? {
        guard let choices = self.enum else { return nil }
        if let fallback = self.default, !choices.contains(fallback) { return nil }
        return choices
    }

    /// Converts between the forms that mean the same thing to this property; nil when the value cannot be it.
    private func coerced(_ value: JSONValue) -> JSONValue? {
        switch (type, value) {
        case (nil, _): return value
        case ("string", .string): return value
        case ("string", .int(let number)): return .string(String(number))
        case ("string", .double(let number)) where number == number.rounded() && abs(number) < 1e15:
            return .string(String(Int(number)))
        case ("string", .double(let number)): return .string(String(number))
        case ("integer", .int): return value
        case ("integer", .double(let number)) where number == number.rounded() && abs(number) < 1e15:
            return .int(Int(number))
        case ("integer", .string(let text)): return Int(text.trimmingCharacters(in: .whitespaces)).map(JSONValue.int)
        case ("number", .int), ("number", .double): return value
        case ("number", .string(let text)):
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if let integer = Int(trimmed) { return .int(integer) }
            guard let number = Double(trimmed), number.isFinite else { return nil }
            return .double(number)
        case ("boolean", .bool): return value
        case ("boolean", .string("true")): return .bool(true)
        case ("boolean", .string("false")): return .bool(false)
        case ("array", .array): return value
        case ("object", .object): return value
        default: return nil
        }
    }
}

extension JSONValue {
    var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .int: "integer"
        case .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    var numericValue: Double? {
        switch self {
        case .int(let value): Double(value)
        case .double(let value): value
        default: nil
        }
    }
}
