import Synchronization

/// Creates whose outcome could not be written (the database refused it right after the call): their intent mark
/// keeps the submission queue from sending them again, and no restart is coming to find them, so the periodic sweep
/// of cut-off creates settles them: adopting the prediction when the create answered with one, else reconciling
/// them as a lost answer. Held in memory: a restart finds them by their intent mark instead.
final class UnsettledCreates: Sendable {
    private let creates = Mutex<[String: String?]>([:])

    /// Notes a create of `generationID`, with the prediction the provider answered, if it did.
    func note(_ generationID: String, predictionID: String?) {
        creates.withLock { $0[generationID] = predictionID }
    }

    func settled(_ generationID: String) { _ = creates.withLock { $0.removeValue(forKey: generationID) } }

    var all: [(generationID: String, predictionID: String?)] {
        creates.withLock { $0.map { ($0.key, $0.value) } }
    }
}
