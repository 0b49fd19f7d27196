import Foundation

/// A model as the provider describes it (`GET /v1/models`, `GET /v1/models/{slug}`).
public struct ProviderModel: Sendable, Codable, Hashable {
    public var title: String
    public var slug: String
    public var version: String
    public var outputType: String?
    public var requestSchema: RequestSchema
    /// Only on the single-model read; null means unknown, never free.
    public var cost: ModelCost?
    /// Present in the seed catalogue (text-to-video, image-to-video); absent from the provider's own answers.
    public var category: String?

    public init(
        title: String, slug: String, version: String, outputType: String? = "string", requestSchema: RequestSchema,
        cost: ModelCost? = nil, category: String? = nil
    ) {
        self.title = title
        self.slug = slug
        self.version = version
        self.outputType = outputType
        self.requestSchema = requestSchema
        self.cost = cost
        self.category = category
    }

    enum CodingKeys: String, CodingKey {
        case title, slug, version, cost, category
        case outputType = "output_type"
        case requestSchema = "request_schema"
    }
}

/// The provider's price for a model. For usage-based pricing `min`/`max` are rates per `unit`, not totals.
public struct ModelCost: Sendable, Codable, Hashable {
    public var currency: String?
    public var type: String?
    public var amount: Double?
    public var unit: String?
    public var estimate: Double?
    public var min: Double?
    public var max: Double?
    public var dependsOn: [String]?

    public init(
        currency: String? = "USD", type: String?, amount: Double?, unit: String?, estimate: Double? = nil,
        min: Double? = nil, max: Double? = nil, dependsOn: [String]? = nil
    ) {
        self.currency = currency
        self.type = type
        self.amount = amount
        self.unit = unit
        self.estimate = estimate
        self.min = min
        self.max = max
        self.dependsOn = dependsOn
    }

    enum CodingKeys: String, CodingKey {
        case currency, type, amount, unit, estimate, min, max
        case dependsOn = "depends_on"
    }
}

extension ModelCost {
    /// The price as people read it: `$0.10/second`, `$0.50`, `about $0.40`; nil when no figure is known.
    public var summary: String? {
        func money(_ value: Double) -> String? {
            guard value.isFinite, value >= 0, value < 1e9 else { return nil }
            return String(format: value < 0.1 && value > 0 ? "$%.3f" : "$%.2f", value)
        }
        if let amount, let text = money(amount) {
            guard type != "fixed", let unit, !unit.isEmpty else { return text }
            return "\(text)/\(unit)"
        }
        return estimate.flatMap(money).map { "about \($0)" }
    }
}
