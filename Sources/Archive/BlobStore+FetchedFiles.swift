import Foundation
import ObjectStorage
import Transport

/// A download whose bytes were fetched and checked while the store could not take them (the object store down, the
/// database unreachable, the disk full) waits in `tmp/` as it is, with the asset it holds written beside it, so its
/// next attempt stores it without asking the provider for the bytes again.
extension BlobStore {
    /// Whether `keep` failed for a reason that passes by itself: the blob backend's (`BlobFault`) or the
    /// database's (`StoreUnavailable`).
    public static func isPassingFault(_ error: any Error) -> Bool {
        error is StoreUnavailable || BlobFault.isPassing(error)
    }

    /// Notes that `partial` holds all of `asset`'s bytes, checked.
    public func rememberFetched(_ asset: Asset, in partial: URL) throws {
        try JSONEncoder().encode(asset).write(to: Self.fetchedNote(partial), options: .atomic)
    }

    /// The asset `partial` was noted to hold, if it still holds exactly those bytes (size and digest checked again:
    /// the file sat in `tmp/` for a while); a note that no longer fits is removed.
    public func fetchedAsset(in partial: URL) -> Asset? {
        let note = Self.fetchedNote(partial)
        guard let data = try? Data(contentsOf: note) else { return nil }
        if let asset = try? JSONDecoder().decode(Asset.self, from: data),
            let (sha256, size) = try? FileDigest.sha256(of: partial), sha256 == asset.sha256, size == asset.size
        {
            return asset
        }
        try? FileManager.default.removeItem(at: note)
        return nil
    }

    /// Removes the note about `partial` (its bytes were stored, or thrown away).
    public func forgetFetched(_ partial: URL) {
        try? FileManager.default.removeItem(at: Self.fetchedNote(partial))
    }

    private static func fetchedNote(_ partial: URL) -> URL { partial.appendingPathExtension("asset") }
}
