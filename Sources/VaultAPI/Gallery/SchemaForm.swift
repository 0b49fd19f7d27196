import EachLabs

/// Form fields generated from a model's request schema: enums and booleans as selects (one value per name, so the
/// form decodes with Hummingbird's `URLEncodedFormDecoder`; a checkbox would need a hidden twin), numbers as
/// number inputs, prompts as text areas; defaults filled in, required fields first and marked.
enum SchemaForm {
    static func fields(
        for schema: RequestSchema, given: [String: String], problems: [FieldProblem], in language: PageLanguage
    ) -> [NewGenerationPage.Field] {
        let required = Set(schema.required)
        let names = schema.properties.keys.sorted { (required.contains($0) ? 0 : 1, $0) < (required.contains($1) ? 0 : 1, $1) }
        return names.compactMap { name in
            guard let property = schema.properties[name] else { return nil }
            let current = given[name] ?? property.default?.displayText ?? ""
            var field = NewGenerationPage.Field(
                name: name, required: required.contains(name), value: current,
                problem: problems.first { $0.field == name }.map(language.describe))
            let choices = property.type == "boolean" ? ["true", "false"] : property.enforcedEnum?.map(\.displayText)
            if let choices {
                field.isEnum = true
                field.options = choices.map { Option(value: $0, selected: $0 == current) }
            } else if name.contains("prompt") || name.hasSuffix("_content") {
                field.isText = true
            } else {
                field.isInput = true
                field.isNumber = property.type == "integer" || property.type == "number"
            }
            return field
        }
    }
}
