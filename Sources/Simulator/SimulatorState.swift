import EachLabs
import Foundation

/// One prediction the simulator is running.
struct SimulatedPrediction: Sendable {
    enum Fate: Sendable {
        case success
        case failure(code: String, message: String)
        case cancelled
    }

    let id: String
    let model: String
    let input: [String: JSONValue]
    let createdAt: ContinuousClock.Instant
    let runTime: Duration
    let fate: Fate
    let video: SyntheticVideo
    let cost: Double

    /// Where the prediction stands at `now`: created → starting → processing → its fate.
    func status(at now: ContinuousClock.Instant) -> PredictionStatus {
        let elapsed = now - createdAt
        if elapsed >= runTime {
            switch fate {
            case .success: return .success
            case .failure: return .error
            case .cancelled: return .cancelled
            }
        }
        if elapsed < runTime * 0.1 { return .created }
        if elapsed < runTime * 0.3 { return .starting }
        return .processing
    }

    /// The provider's answer to `GET /v1/prediction/{id}`; `fileBaseURL` is where its output is served.
    func snapshot(at now: ContinuousClock.Instant, fileBaseURL: String) -> Prediction {
        let status = status(at: now)
        var output: JSONValue?
        var metrics: Prediction.Metrics?
        switch (status, fate) {
        case (.success, _):
            output = .string("\(fileBaseURL)/files/\(id)/output.mp4")
            metrics = Prediction.Metrics(predictTime: runTime.secondsValue, cost: cost)
        case (.error, .failure(let code, let message)):
            output = .object(["error_code": .string(code), "error_message": .string(message)])
            metrics = Prediction.Metrics(predictTime: runTime.secondsValue, cost: 0)
        default:
            break
        }
        return Prediction(id: id, input: input, status: status, output: output, logs: nil, metrics: metrics,
                          urls: ["get": "\(fileBaseURL)/v1/prediction/\(id)",
                                 "cancel": "\(fileBaseURL)/v1/prediction/\(id)/cancel"])
    }
}

extension Duration {
    var secondsValue: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// Per-run counters, for tests to prove how many provider calls EachVault made.
public struct SimulatorStats: Sendable, Codable, Equatable {
    public var creates = 0
    public var reads = 0
    public var fileRequests = 0
    /// Rejected with 401.
    public var unauthorized = 0
    /// Reads of each prediction.
    public var readsByPrediction: [String: Int] = [:]
    /// Creates per model, counting each prediction started.
    public var createsByModel: [String: Int] = [:]

    enum CodingKeys: String, CodingKey {
        case creates, reads, unauthorized
        case fileRequests = "file_requests"
        case readsByPrediction = "reads_by_prediction"
        case createsByModel = "creates_by_model"
    }
}

/// Everything the simulator remembers, behind one actor.
actor SimulatorState {
    private var predictions: [String: SimulatedPrediction] = [:]
    private(set) var stats = SimulatorStats()
    private(set) var faults = SimulatorFaults()
    private var nextNumber = 1

    func setFaults(_ faults: SimulatorFaults) { self.faults = faults }

    /// Consumes an injected fault for one API call, if any is armed.
    func injectedFault(isCreate: Bool) -> InjectedFault? {
        if faults.rateLimitNext > 0 {
            faults.rateLimitNext -= 1
            return .rateLimited(retryAfter: faults.retryAfterSeconds)
        }
        if isCreate && faults.failCreatesNext > 0 {
            faults.failCreatesNext -= 1
            return .serverError
        }
        if !isCreate && faults.failReadsNext > 0 {
            faults.failReadsNext -= 1
            return .serverError
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
        stats.creates += 1
        stats.createsByModel[prediction.model, default: 0] += 1
    }

    func read(id: String) -> SimulatedPrediction? {
        stats.reads += 1
        stats.readsByPrediction[id, default: 0] += 1
        return predictions[id]
    }

    func file(id: String) -> SimulatedPrediction? {
        stats.fileRequests += 1
        return predictions[id]
    }
}

enum InjectedFault {
    case rateLimited(retryAfter: Int?)
    case serverError
}
