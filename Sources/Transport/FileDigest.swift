import Crypto
import Foundation

/// A file's SHA-256 and size, read in 1 MiB pieces (flat memory whatever its size).
public enum FileDigest {
    public static func sha256(of file: URL) throws -> (sha256: String, size: Int64) {
        let reader = try FileHandle(forReadingFrom: file)
        defer { try? reader.close() }
        var hasher = SHA256()
        var size: Int64 = 0
        while let chunk = try reader.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
            size += Int64(chunk.count)
        }
        return (hasher.finalize().lowercaseHex, size)
    }
}
