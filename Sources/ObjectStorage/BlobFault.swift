import Foundation

/// Whether a backend's failure passes by itself: an object store that is down, slow or refusing for a while (its
/// calls already retried, or its circuit open), a disk that is full or read-only. Work that met one waits and
/// tries again; any other failure (a refused signature, a missing bucket) is the work's own.
public enum BlobFault {
    public static func isPassing(_ error: any Error) -> Bool {
        if S3Resilience.isTransient(error) { return true }
        switch error {
        case let error as CocoaError: return [.fileWriteOutOfSpace, .fileWriteVolumeReadOnly].contains(error.code)
        case let error as POSIXError: return [.ENOSPC, .EDQUOT, .EROFS, .EIO].contains(error.code)
        default: return false
        }
    }
}
