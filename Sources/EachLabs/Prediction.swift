import Foundation

/// A prediction's status as the provider reports it.
public enum PredictionStatus: Sendable, Hashable, Codable {
    case created, starting, processing, success, error, cancelled
    /// A value this client does not know yet: treated as still running.
    case other(String)

    public init(rawValue: String) {
        switch rawValue.lowercased() {
        case "created": self = .created
        case "starting": self = .starting
        case "processing": self = .processing
        case "success", "succeeded": self = .success
        case "error", "failed": self = .error
        case "cancelled", "canceled": self = .cancelled
        default: self = .other(rawValue)
        }
    }

    public var rawValue: String {
        switch self {
        case .created: "created"
        case .starting: "starting"
        case .processing: "processing"
        case .success: "success"
        case .error: "error"
        case .cancelled: "cancelled"
        case .other(let value): value
        }
    }

    public var isFinal: Bool { self == .success || self == .error || self == .cancelled }

    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// `GET /v1/prediction/{id}`.
public struct Prediction: Sendable, Codable, Hashable {
    public var id: String
    public var input: [String: JSONValue]?
    public var status: PredictionStatus
    public var output: JSONValue?
    public var logs: JSONValue?
    public var metrics: Metrics?
    public var urls: [String: String]?

    public struct Metrics: Sendable, Codable, Hashable {
        public var predictTime: Double?
        public var cost: Double?

        public init(predictTime: Double?, cost: Double?) {
            self.predictTime = predictTime
            self.cost = cost
        }

        enum CodingKeys: String, CodingKey {
            case predictTime = "predict_time"
            case cost
        }
    }

    public init(
        id: String, input: [String: JSONValue]?, status: PredictionStatus, output: JSONValue?,
        logs: JSONValue? = nil, metrics: Metrics? = nil, urls: [String: String]? = nil
    ) {
        self.id = id
        self.input = input
        self.status = status
        self.output = output
        self.logs = logs
        self.metrics = metrics
        self.urls = urls
    }

    /// Every output file URL, whatever the shape: one string, an array, or an object (its string values that are
    /// URLs, in key order, nested arrays included).
    public var outputURLs: [String] { Self.urls(in: output) }

    static func urls(in value: JSONValue?) -> [String] {
        switch value {
        case .string(let text): text.hasPrefix("http://") || text.hasPrefix("https://") ? [text] : []
        case .array(let values): values.flatMap { urls(in: $0) }
        case .object(let fields): fields.keys.sorted().flatMap { urls(in: fields[$0]) }
        default: []
        }
    }

    /// The failure the provider reported: `{error_code, error_message}`, or an older plain string.
    public var failure: PredictionFailure? {
        guard status == .error else { return nil }
        return PredictionFailure(output: output)
    }
}

/// A provider-side failure: a known V1 code where given. The message is for people; never parsed.
public struct PredictionFailure: Sendable, Hashable {
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    /// Reads either documented shape; `PROVIDER_FAILED` when no code is given.
    public init(output: JSONValue?) {
        switch output {
        case .object(let fields):
            self.init(
                code: fields["error_code"]?.stringValue ?? "PROVIDER_FAILED",
                message: fields["error_message"]?.stringValue ?? fields["error"]?.displayText
                    ?? "the prediction failed")
        case .string(let text) where !text.isEmpty:
            self.init(code: "PROVIDER_FAILED", message: text)
        case .array(let items) where !items.isEmpty:
            self.init(output: items[0].objectValue?["error"] ?? items[0])
        default:
            self.init(code: "PROVIDER_FAILED", message: "the prediction failed without a message")
        }
    }
}

/// `POST /v1/prediction`.
public struct CreatePrediction: Sendable, Codable {
    public var model: String
    public var version: String
    public var input: [String: JSONValue]
    public var webhookURL: String?
    public var webhookSecret: String?

    public init(
        model: String, version: String, input: [String: JSONValue], webhookURL: String? = nil,
        webhookSecret: String? = nil
    ) {
        self.model = model
        self.version = version
        self.input = input
        self.webhookURL = webhookURL
        self.webhookSecret = webhookSecret
    }

    enum CodingKeys: String, CodingKey {
        case model, version, input
        case webhookURL = "webhook_url"
        case webhookSecret = "webhook_secret"
    }
}
