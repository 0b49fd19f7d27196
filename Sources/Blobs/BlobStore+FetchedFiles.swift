import Foundation
import ObjectStorage
import Storage
import Transport

/// A download whose bytes were fetched and checked while the store could not take them (the object store down, the
/// database unreachable, the disk full) waits in `tmp/` as it is, with the asset it holds written beside it, so its
/// next attempt stores it without asking the provider for the bytes again.
extension BlobStore {
    /// Notes that `partial` holds all of `asset`'s bytes, checked (their digest was taken as they were fetched).
    public func rememberFetched(_ asset: Asset, in partial: URL) throws {
        guard let stamp = FetchedNote.Stamp(of: partial) else { return }
        try JSONEncoder().encode(FetchedNote(asset: asset, stamp: stamp)).write(to: Self.fetchedNote(partial), options: .atomic)
    }

    /// The asset `partial` was noted to hold, if the file is as it was noted (same size and modification time: a
    /// retry during a long outage does not read a large video again); a note that no longer fits is removed.
    public func fetchedAsset(in partial: URL) -> Asset? {
        let note = Self.fetchedNote(partial)
        guard let data = try? Data(contentsOf: note) else { return nil }
        if let noted = try? JSONDecoder().decode(FetchedNote.self, from: data), noted.stamp == FetchedNote.Stamp(of: partial),
            noted.stamp.size == noted.asset.size
        {
            return noted.asset
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

/// What a fetched file was noted to hold, and the file's size and modification time when it was noted.
private struct FetchedNote: Codable {
    struct Stamp: Codable, Equatable {
        var size: Int64
        var modifiedSeconds: Int
        var modifiedNanoseconds: Int

        init?(of file: URL) {
            var status = stat()
            guard stat(file.path, &status) == 0 else { return nil }
            size = Int64(status.st_size)
            modifiedSeconds = status.st_mtim.tv_sec
            modifiedNanoseconds = status.st_mtim.tv_nsec
        }
    }

    var asset: Asset
    var stamp: Stamp
}
