import EachLabs
import VaultDomain

/// What a request would do, without doing it (`POST /v1/generations?dry_run=1`).
public struct GenerationPlan: Sendable, Codable {
    public var valid: Bool
    public var problems: [FieldProblem]
    public var requestKey: String?
    /// The team's generation an identical request would be answered by.
    public var exactMatch: String?
    /// The team's five earlier generations with the most similar prompts.
    public var similar: [Similar]
    public var costEstimate: CostEstimate

    public struct Similar: Sendable, Codable {
        public var id: String
        public var model: String
        public var prompt: String?
        public var status: GenerationStatus

        public init(id: String, model: String, prompt: String?, status: GenerationStatus) {
            self.id = id
            self.model = model
            self.prompt = prompt
            self.status = status
        }
    }

    public init(
        valid: Bool, problems: [FieldProblem], requestKey: String?, exactMatch: String?, similar: [Similar],
        costEstimate: CostEstimate
    ) {
        self.valid = valid
        self.problems = problems
        self.requestKey = requestKey
        self.exactMatch = exactMatch
        self.similar = similar
        self.costEstimate = costEstimate
    }

    enum CodingKeys: String, CodingKey {
        case valid, problems, similar
        case requestKey = "request_key"
        case exactMatch = "exact_match"
        case costEstimate = "cost_estimate"
    }
}

/// The provider's price applied to a request: fixed, or rate × seconds of video; unknown stays unknown, never zero.
public struct CostEstimate: Sendable, Codable, Equatable {
    public var usd: Double?
    /// How the figure was reached, or why there is none.
    public var basis: String

    public init(usd: Double?, basis: String) {
        self.usd = usd
        self.basis = basis
    }
}
