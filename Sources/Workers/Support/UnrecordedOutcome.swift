import Blobs
import Storage

/// A worker did its part but could not record the outcome (the database refused the write, the disk is full): the
/// item stays due in the store, and its loop lets it cool down instead of claiming it again at once.
struct UnrecordedOutcome: CarriesCause, CustomStringConvertible {
    /// What could not be recorded ("a poll", "an outgoing webhook attempt").
    var what: String
    var cause: any Error

    var description: String { "cannot record \(what): \(cause)" }
}

extension Vault {
    /// The store call's answer, or an `UnrecordedOutcome` saying what could not be recorded.
    func recording<T>(_ what: String, _ call: @autoclosure () async throws -> T) async throws -> T {
        do { return try await call() } catch let error as UnrecordedOutcome { throw error } catch {
            throw UnrecordedOutcome(what: what, cause: error)
        }
    }
}
