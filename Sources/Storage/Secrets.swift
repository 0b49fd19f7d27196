import Crypto
import Foundation
import Transport

/// Every random identifier and secret the archive hands out (API tokens, share links, sessions, webhook secrets,
/// generation ids) and how secrets are stored: only their SHA-256. A secret has 256 bits of entropy, so a plain
/// hash suffices (no password-style stretching).
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

    /// A generation id: `gen_`, the creation time in milliseconds (base 36, so ids sort by age), then 80 random
    /// bits; URL-safe.
    public static func generationID(now: Date = Date()) -> String {
        var random = SystemRandomNumberGenerator()
        let millis = UInt64(clamping: Int64(now.timeIntervalSince1970 * 1000))
        return "gen_" + String(millis, radix: 36) + (0..<10).map { _ in UInt8.random(in: 0...255, using: &random) }.lowercaseHex
    }

    /// An outgoing endpoint's signing secret in the Standard Webhooks form: `whsec_` and 32 random bytes in base64.
    public static func endpointSecret() -> String {
        var random = SystemRandomNumberGenerator()
        return "whsec_" + Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &random) }).base64EncodedString()
    }

    /// A webhook secret for one generation (given to the provider with its create).
    public static func webhookSecret() -> String { make(prefix: "whsec_") }

    public static func digest(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).lowercaseHex
    }
}
