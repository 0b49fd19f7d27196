import EachLabs

/// `GET /v1/models`: one model of the provider's catalogue.
public struct ModelSummary: Sendable, Codable {
    public var slug: String
    public var title: String
    public var version: String
    public var category: String?
    /// The provider's price, once the model's detail has been read (null until then: unknown, not free).
    public var cost: ModelCost?

    public init(slug: String, title: String, version: String, category: String?, cost: ModelCost? = nil) {
        self.slug = slug
        self.title = title
        self.version = version
        self.category = category
        self.cost = cost
    }
}

/// A one-word answer: `/healthz` (`ok`), `/readyz` (`ready`, `not ready`), a webhook delivery (`accepted`, ...).
public struct StatusAnswer: Sendable, Codable {
    public var status: String

    public init(_ status: String) { self.status = status }
}

/// `GET /readyz`: `ready` or `not ready` (503), each check's state, and every work queue's rows due now.
public struct Readiness: Sendable, Codable {
    public var status: String
    /// `database`, `blob_store`, `warm_up` (`ok` or what is wrong) and `provider` (`reachable`, `unreachable`,
    /// `key rejected` or `unknown`, from the latest call: it does not decide readiness, since the archive serves
    /// without it).
    public var checks: [String: String]
    public var queues: [String: QueueState]

    public struct QueueState: Sendable, Codable {
        public var due: Int
        /// How long the most overdue row has waited.
        public var oldestDueS: Double

        public init(due: Int, oldestDueS: Double) {
            self.due = due
            self.oldestDueS = oldestDueS
        }

        enum CodingKeys: String, CodingKey {
            case due
            case oldestDueS = "oldest_due_s"
        }
    }

    public init(status: String, checks: [String: String], queues: [String: QueueState]) {
        self.status = status
        self.checks = checks
        self.queues = queues
    }

    public var isReady: Bool { status == "ready" }
}

/// `GET /v1/models/{slug}`: one model with its price and the request schema its input is validated against.
public struct ModelDetail: Sendable, Codable {
    public var slug: String
    public var title: String
    public var version: String
    public var category: String?
    public var outputType: String?
    /// The provider's price (fixed, or a rate per second of video), when it publishes one.
    public var cost: ModelCost?
    public var requestSchema: RequestSchema

    public init(
        slug: String, title: String, version: String, category: String?, outputType: String?, cost: ModelCost?,
        requestSchema: RequestSchema
    ) {
        self.slug = slug
        self.title = title
        self.version = version
        self.category = category
        self.outputType = outputType
        self.cost = cost
        self.requestSchema = requestSchema
    }

    enum CodingKeys: String, CodingKey {
        case slug, title, version, category, cost
        case outputType = "output_type"
        case requestSchema = "request_schema"
    }
}
