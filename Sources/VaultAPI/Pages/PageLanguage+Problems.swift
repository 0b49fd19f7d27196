import EachLabs

extension PageLanguage {
    /// A form field's problem in this language: the schema's objections from the table, anything else (a refused
    /// file, another team's generation) as the API words it.
    func describe(_ problem: FieldProblem) -> String {
        guard let reason = problem.reason else { return problem.problem }
        switch reason {
        case .required: return text("problem_required")
        case .unknownParameter: return text("problem_unknownParameter")
        case .wrongType(let expected, let got):
            return text("problem_wrongType", ["expected": typeName(expected), "got": typeName(got)])
        case .notAllowed(let value): return text("problem_notAllowed", ["value": value])
        case .tooFewCharacters(let count): return text("problem_tooFewCharacters", ["count": "\(count)"])
        case .tooManyCharacters(let count): return text("problem_tooManyCharacters", ["count": "\(count)"])
        case .tooManyBytes(let count): return text("problem_tooManyBytes", ["count": "\(count)"])
        case .tooManyItems(let count): return text("problem_tooManyItems", ["count": "\(count)"])
        case .belowMinimum(let bound): return text("problem_belowMinimum", ["bound": "\(bound)"])
        case .aboveMaximum(let bound): return text("problem_aboveMaximum", ["bound": "\(bound)"])
        }
    }

    /// A JSON type's name, with its article in English (`an integer`).
    private func typeName(_ type: String) -> String { text("type_\(type)") }
}
