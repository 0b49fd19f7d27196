/// `POST /v1/imports`: predictions made outside EachVault, to archive.
public struct ImportRequest: Sendable, Codable {
    public var predictionIDs: [String]
    /// The model, when the caller knows it (the provider's read does not name it).
    public var model: String?

    public init(predictionIDs: [String], model: String?) {
        self.predictionIDs = predictionIDs
        self.model = model
    }

    enum CodingKeys: String, CodingKey {
        case model
        case predictionIDs = "prediction_ids"
    }
}

/// The answer to an import: one result per prediction, in the request's order.
public struct ImportAnswer: Sendable, Codable {
    public var results: [ImportResult]

    public init(results: [ImportResult]) { self.results = results }
}

/// What became of one prediction.
public enum ImportOutcome: String, Sendable, Codable {
    case imported
    case alreadyArchived = "already_archived"
    /// Also for a prediction another team holds or deleted: an import must not tell who holds what.
    case notFound = "not_found"
    case failed
}

/// The outcome of importing one prediction.
public struct ImportResult: Sendable, Codable, Equatable {
    public var predictionID: String
    public var outcome: ImportOutcome
    public var generationID: String?
    public var message: String?

    public init(predictionID: String, outcome: ImportOutcome, generationID: String? = nil, message: String? = nil) {
        self.predictionID = predictionID
        self.outcome = outcome
        self.generationID = generationID
        self.message = message
    }

    enum CodingKeys: String, CodingKey {
        case outcome, message
        case predictionID = "prediction_id"
        case generationID = "generation_id"
    }
}
