/// Text from outside (an endpoint's answer, a transport error, a provider's message) made fit to store: NUL and
/// other control characters (PostgreSQL refuses NUL in text; control characters garble logs and pages) become
/// spaces, tab and newline are kept.
public enum StoredText {
    public static func clean(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isUnwanted) else { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { scalars.append(isUnwanted(scalar) ? " " : scalar) }
        return String(scalars)
    }

    /// The first control character in `text` other than tab, newline and carriage return, for a refusal to name.
    public static func firstControlCharacter(in text: String) -> Unicode.Scalar? {
        text.unicodeScalars.first(where: isUnwanted)
    }

    private static func isUnwanted(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: false
        case 0x00..<0x20, 0x7F, 0x80..<0xA0: true
        default: false
        }
    }
}
