import Crypto
import Foundation
import Transport

/// The provider's webhook signature: `X-Webhook-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>`
/// with `X-Webhook-Timestamp` in Unix seconds. Pure functions over the raw bytes as received.
public enum WebhookSignature {
    /// The most a timestamp may differ from now before a delivery is refused as a replay.
    public static let tolerance: TimeInterval = 300

    /// The header value the provider sends for `body` signed at `timestamp` with `secret`.
    public static func header(body: some DataProtocol, timestamp: Int, secret: String) -> String {
        "sha256="
            + Data(
                HMAC<SHA256>.authenticationCode(
                    for: signedBytes(body, timestamp: String(timestamp)),
                    using: SymmetricKey(data: Data(secret.utf8)))
            ).lowercaseHex
    }

    /// Checks a delivery. The comparison is constant-time (swift-crypto's HMAC validation).
    public static func verify(
        signatureHeader: String?, timestampHeader: String?, body: some DataProtocol, secret: String, now: Date
    ) -> WebhookVerdict {
        guard let signatureHeader, !signatureHeader.isEmpty else { return .rejected(.missingSignature) }
        guard signatureHeader.hasPrefix("sha256="), let mac = Self.bytes(hex: signatureHeader.dropFirst(7)),
            mac.count == 32
        else { return .rejected(.malformedSignature) }
        guard let timestampHeader, let timestamp = Int(timestampHeader.trimmingCharacters(in: .whitespaces)) else {
            return .rejected(.malformedTimestamp)
        }
        let valid = HMAC<SHA256>.isValidAuthenticationCode(
            mac, authenticating: signedBytes(body, timestamp: timestampHeader.trimmingCharacters(in: .whitespaces)),
            using: SymmetricKey(data: Data(secret.utf8)))
        guard valid else { return .rejected(.signatureMismatch) }
        guard abs(now.timeIntervalSince1970 - Double(timestamp)) <= tolerance else { return .rejected(.staleTimestamp) }
        return .valid
    }

    /// The legacy form: the secret itself in `X-Webhook-Secret`, compared in constant time.
    public static func verifyLegacySecret(_ presented: String?, secret: String) -> Bool {
        guard let presented else { return false }
        return ConstantTime.equals(presented, secret)
    }

    private static func signedBytes(_ body: some DataProtocol, timestamp: String) -> Data {
        var message = Data(timestamp.utf8)
        message.append(UInt8(ascii: "."))
        message.append(contentsOf: body)
        return message
    }

    private static func bytes(hex: Substring) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// The outcome of checking a delivery's signature.
public enum WebhookVerdict: Sendable, Equatable {
    case valid
    case rejected(WebhookRejection)
}

public enum WebhookRejection: String, Sendable, Equatable {
    case missingSignature = "missing signature"
    case malformedSignature = "malformed signature header"
    case malformedTimestamp = "missing or malformed timestamp"
    case signatureMismatch = "signature does not match"
    case staleTimestamp = "timestamp more than 5 minutes from now"
    case wrongLegacySecret = "wrong secret"
    case predictionMismatch = "exec_id is not this generation's prediction"
    case unknownGeneration = "no such generation"
}

/// A webhook body, either documented shape.
public struct WebhookPayload: Sendable, Decodable {
    public var execID: String
    public var status: String
    public var output: JSONValue?

    enum CodingKeys: String, CodingKey {
        case execID = "exec_id"
        case status, output
    }

    /// What the delivery says happened: a success's output URLs, or a failure's code and message.
    public var outcome: PredictionStatus { PredictionStatus(rawValue: status) }

    public var outputURLs: [String] { Prediction.urls(in: output) }

    public var failure: PredictionFailure { PredictionFailure(output: output) }
}
