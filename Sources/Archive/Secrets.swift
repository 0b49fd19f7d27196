import Crypto
import Foundation
import Transport

/// Random bearer secrets (API tokens, share links, sessions) and how they are stored: only their SHA-256.
/// A token has 256 bits of entropy, so a plain hash suffices (no password-style stretching).
public enum Secrets {
    /// `prefix` + 64 hex characters of fresh randomness.
    public static func make(prefix: String) -> String {
        var random = SystemRandomNumberGenerator()
        return prefix + (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) }.lowercaseHex
    }

    /// A short random public id, e.g. `tok_1a2b3c4d5e6f`.
    public static func id(prefix: String) -> String {
        var random = SystemRandomNumberGenerator()
        return prefix + (0..<6).map { _ in UInt8.random(in: 0...255, using: &random) }.lowercaseHex
    }

    public static func digest(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).lowercaseHex
    }
}
