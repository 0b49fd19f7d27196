import Crypto
import Foundation
import Transport

extension RequestSchema {
    /// The canonical request key: SHA-256 (hex) of model slug, version and the input after validation's type
    /// normalisation (`5` and `"5"` are one value to a field typed as the string enum), with every schema default
    /// applied, nulls dropped, text in Unicode NFC with outer whitespace trimmed, and keys sorted. Two requests with
    /// the same key ask the provider for the same thing. The input must already have passed `validate`.
    public func canonicalKey(model: String, version: String, input: [String: JSONValue]) -> String {
        let effective = applyingDefaults(to: input).compactMapValues(Self.canonical)
        let text = model + "\n" + version + "\n" + ((try? JSONValue.canonicalJSON(effective)) ?? "")
        return SHA256.hash(data: Data(text.utf8)).lowercaseHex
    }

    private static func canonical(_ value: JSONValue) -> JSONValue? {
        switch value {
        case .null: nil
        case .string(let text): .string(text.precomposedStringWithCanonicalMapping.trimmingCharacters(in: .whitespacesAndNewlines))
        case .double(let number) where number == number.rounded() && abs(number) < 1e15: .int(Int(number))
        case .array(let items): .array(items.compactMap(canonical))
        case .object(let fields): .object(fields.compactMapValues(canonical))
        default: value
        }
    }
}
