import EachLabs
import Foundation

/// Per-run counters, for tests to prove how many provider calls EachVault made.
public struct SimulatorStats: Sendable, Codable, Equatable {
    public var creates = 0
    public var reads = 0
    public var fileRequests = 0
    public var webhookLogReads = 0
    /// Reads of one model's details (`GET /v1/model?slug=`, `GET /v1/models/{slug}`).
    public var modelReads = 0
    /// Pages of the model list read (`GET /v1/models`).
    public var modelListings = 0
    /// Rejected with 401.
    public var unauthorized = 0
    public var webhookAttempts = 0
    /// Cancels asked for (`POST /v1/prediction/{id}/cancel`).
    public var cancels = 0
    /// Upload slots presigned, and files PUT into them.
    public var presigns = 0
    public var uploads = 0
    /// Reads of each prediction.
    public var readsByPrediction: [String: Int] = [:]
    /// Creates per model, counting each prediction started.
    public var createsByModel: [String: Int] = [:]

    enum CodingKeys: String, CodingKey {
        case creates, reads, unauthorized, presigns, uploads, cancels
        case fileRequests = "file_requests"
        case webhookLogReads = "webhook_log_reads"
        case modelReads = "model_reads"
        case modelListings = "model_listings"
        case webhookAttempts = "webhook_attempts"
        case readsByPrediction = "reads_by_prediction"
        case createsByModel = "creates_by_model"
    }
}

/// Everything the simulator remembers, behind one actor.
actor SimulatorState {
    private var predictions: [String: SimulatedPrediction] = [:]
    private var order: [String] = []
    private var webhookLog: [String: WebhookLogEntry] = [:]
    private var webhookLogOrder: [String] = []
    private(set) var stats = SimulatorStats()
    private(set) var faults: SimulatorFaults
    private var nextNumber = 1

    init(faults: SimulatorFaults) {
        self.faults = faults
    }

    func setFaults(_ faults: SimulatorFaults) { self.faults = faults }

    /// Consumes or draws an injected fault for one API call.
    func injectedFault(isCreate: Bool) -> InjectedFault? {
        if faults.rateLimitNext > 0 {
            faults.rateLimitNext -= 1
            return .rateLimited(retryAfter: faults.retryAfterSeconds)
        }
        if faults.rateLimit.happens { return .rateLimited(retryAfter: faults.retryAfterSeconds) }
        if isCreate {
            if faults.failCreatesNext > 0 {
                faults.failCreatesNext -= 1
                return .serverError
            }
            if faults.createError.happens { return .serverError }
        } else {
            if faults.failReadsNext > 0 {
                faults.failReadsNext -= 1
                return .serverError
            }
            if faults.readError.happens { return .serverError }
        }
        return nil
    }

    /// Whether this create, its prediction started, is to answer a plain 500 all the same.
    func drawStartThenFail() -> Bool {
        guard faults.startThenFailCreatesNext > 0 else { return false }
        faults.startThenFailCreatesNext -= 1
        return true
    }

    /// Whether this create is to be cut off before it starts anything.
    func drawCreateDropped() -> Bool {
        guard faults.dropCreatesNext > 0 else { return false }
        faults.dropCreatesNext -= 1
        return true
    }

    /// Whether this create's answer is to be lost.
    func drawCreateLost() -> Bool {
        if faults.loseCreatesNext > 0 {
            faults.loseCreatesNext -= 1
            return true
        }
        return faults.createLost.happens
    }

    func drawWebhookPlan() -> SimulatedPrediction.WebhookPlan {
        let plans: [(Double, SimulatedPrediction.WebhookPlan)] = [
            (faults.webhookDrop, .drop), (faults.webhookDuplicate, .duplicate), (faults.webhookDelay, .delay),
            (faults.webhookReorder, .reorder), (faults.webhookWrongSecret, .wrongSecret),
            (faults.webhookLegacyOnly, .legacyOnly),
        ]
        return plans.first { $0.0.happens }?.1 ?? .normal
    }

    /// The fate a prediction draws when its prompt asks for none.
    func drawFate() -> SimulatedPrediction.Fate? {
        if faults.predictionCancel.happens { return .cancelled }
        if faults.predictionError.happens {
            return .failure(code: "PROVIDER_FAILED", message: "the upstream model failed (simulated)")
        }
        return nil
    }

    func countUnauthorized() { stats.unauthorized += 1 }

    func newPredictionID() -> String {
        defer { nextNumber += 1 }
        return String(format: "pred-%06d-", nextNumber) + UUID().uuidString.prefix(8).lowercased()
    }

    func add(_ prediction: SimulatedPrediction) {
        predictions[prediction.id] = prediction
        order.append(prediction.id)
        stats.creates += 1
        stats.createsByModel[prediction.model, default: 0] += 1
    }

    func countModelRead() { stats.modelReads += 1 }
    func countModelListing() { stats.modelListings += 1 }

    func read(id: String) -> SimulatedPrediction? {
        stats.reads += 1
        stats.readsByPrediction[id, default: 0] += 1
        return predictions[id]
    }

    /// Cancels a running prediction (a finished one is left as it ended); the prediction as it now stands.
    func cancel(id: String) -> SimulatedPrediction? {
        stats.cancels += 1
        predictions[id]?.cancel(at: .now)
        return predictions[id]
    }

    /// The prediction as it stands, counting no read (the webhook sender's look before it sends).
    func current(id: String) -> SimulatedPrediction? { predictions[id] }

    func file(id: String) -> SimulatedPrediction? {
        stats.fileRequests += 1
        return predictions[id]
    }

    // MARK: - Webhook log

    func logWebhookAttempt(prediction: SimulatedPrediction, succeeded: Bool, statusCode: Int?) {
        stats.webhookAttempts += 1
        let attempt = WebhookLogEntry.Attempt(
            status: succeeded ? "SUCCESS" : "FAILED", statusCode: statusCode,
            createdAt: Date().formatted(.iso8601))
        if webhookLog[prediction.id] == nil {
            webhookLogOrder.append(prediction.id)
            webhookLog[prediction.id] = WebhookLogEntry(
                executionID: prediction.id, url: prediction.webhookURL,
                attempts: [])
        }
        webhookLog[prediction.id]?.attempts.append(attempt)
    }

    /// Newest first, as the provider lists it.
    func webhookLogPage(limit: Int, offset: Int) -> [WebhookLogEntry] {
        stats.webhookLogReads += 1
        return webhookLogOrder.reversed().dropFirst(offset).prefix(limit).compactMap { webhookLog[$0] }
    }

    func webhookLogEntry(id: String) -> WebhookLogEntry? { webhookLog[id] }

    // MARK: - Ground truth

    func truth() -> [PredictionTruth] {
        order.compactMap { predictions[$0] }.map { prediction in
            let (fate, code): (String, String?) =
                switch prediction.fate {
                case .success: ("success", nil)
                case .failure(let code, _): ("error", code)
                case .cancelled: ("cancelled", nil)
                }
            return PredictionTruth(
                id: prediction.id, model: prediction.model, fate: fate, errorCode: code,
                webhookURL: prediction.webhookURL, webhook: prediction.webhookPlan.rawValue,
                createLost: prediction.createLost)
        }
    }
}

enum InjectedFault {
    case rateLimited(retryAfter: Int?)
    case serverError
}
