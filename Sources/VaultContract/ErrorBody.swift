import EachLabs

/// Every error answer of the API: `{"error": {"code", "message", "fields"?}}`.
public struct ErrorBody: Sendable, Codable {
    public struct Detail: Sendable, Codable {
        /// Stable and machine-readable: `invalid_input`, `not_found`, `too_large`, ...
        public var code: String
        /// What was wrong, for a person.
        public var message: String
        /// For `invalid_input`: each field's problem.
        public var fields: [FieldProblem]?

        public init(code: String, message: String, fields: [FieldProblem]? = nil) {
            self.code = code
            self.message = message
            self.fields = fields
        }
    }

    public var error: Detail

    public init(error: Detail) { self.error = error }
}
