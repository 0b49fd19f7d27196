import Crypto
import Foundation
import Transport

/// How many rows a table holds and a digest of their contents that does not depend on their order (each row's
/// SHA-256 added up, 256 bits wide, wrapping): two databases that sort text differently still agree on it. A
/// value is hashed with its kind, so 1, 1.0, "1" and NULL never collide.
public struct ArchiveDigest: Sendable, Hashable, CustomStringConvertible {
    public private(set) var rows = 0
    private var lanes: [UInt64] = [0, 0, 0, 0]

    public init() {}

    public mutating func add(_ row: [SQLValue]) {
        var hasher = SHA256()
        for value in row {
            switch value {
            case .null: hasher.update(data: [0])
            case .integer(let integer): hasher.update(data: [1] + bytes(UInt64(bitPattern: integer)))
            case .real(let real): hasher.update(data: [2] + bytes(real.bitPattern))
            case .text(let text):
                hasher.update(data: [3] + bytes(UInt64(text.utf8.count)))
                hasher.update(data: Array(text.utf8))
            case .blob(let blob):
                hasher.update(data: [4] + bytes(UInt64(blob.count)))
                hasher.update(data: blob)
            }
        }
        let digest = Array(hasher.finalize())
        for lane in 0..<4 {
            let word = digest[lane * 8..<lane * 8 + 8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            lanes[lane] &+= word
        }
        rows += 1
    }

    private func bytes(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - $0 * 8)) } }

    /// The digest in hex (64 digits).
    public var description: String { lanes.flatMap { bytes($0) }.lowercaseHex }
}
