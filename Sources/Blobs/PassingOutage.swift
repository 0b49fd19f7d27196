import ObjectStorage
import Storage

/// An error that carries the fault beneath it (a worker's "cannot record …", a file waiting for the store), so the
/// fault can still be told apart.
public protocol CarriesCause: Error {
    var cause: any Error { get }
}

/// Whether `error` is an outage of EachVault's own infrastructure that passes by itself (the database unavailable,
/// the blob backend down or full) rather than anything about the work at hand. Downloads keep their fetched bytes
/// through one; workers rest an item at most their longest pause for one.
public func isPassingOutage(_ error: any Error) -> Bool {
    switch error {
    case is StoreUnavailable: true
    case let carried as any CarriesCause: isPassingOutage(carried.cause)
    default: BlobFault.isPassing(error)
    }
}
