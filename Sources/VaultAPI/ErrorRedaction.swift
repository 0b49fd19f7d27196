/// An error's description made fit for a log: what could work as a secret is cut out, the rest kept for diagnosis.
/// Webhook secrets (`whsec_…`) go whole; long hexadecimal runs (API and share tokens are 64 hex characters, as are
/// SHA-256 digests, which cannot be told apart) keep their first 8 characters, enough to find a blob, never enough
/// to use a token; URL user information and query values named like secrets (`X-Amz-Signature`, `token`, `key`) are
/// dropped. At most 2,000 characters.
enum ErrorRedaction {
    static func redacted(_ text: String) -> String {
        var result = String(text.prefix(2000))
        result.replace(#/whsec_[A-Za-z0-9+\/=_-]+/#) { _ in "whsec_…" }
        result.replace(#/[0-9a-fA-F]{32,}/#) { match in match.output.prefix(8) + "…" }
        result.replace(#/(?i)([?&;]|\b)([a-z0-9-]*(signature|credential|token|secret|password|key)[a-z0-9-]*)=[^&\s"'<>]+/#) {
            match in "\(match.output.1)\(match.output.2)=…"
        }
        result.replace(#/:\/\/[^\/\s@]+@/#) { _ in "://…@" }
        return result
    }
}
