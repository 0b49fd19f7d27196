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
            let isMedia = RequestSchema.isMediaField(name, type: property.type) && property.type != "array"
            let kind = isMedia ? MediaKind(field: name)?.rawValue ?? "file" : nil
            var field = NewGenerationPage.Field(
                name: name, label: property.title ?? Self.words(name),
                help: property.description ?? kind.map { language.text("new_help_\($0)") },
                media: kind, accept: kind.map { ["image": "image/*", "video": "video/*", "audio": "audio/*,video/*"][$0] ?? "*/*" },
                required: required.contains(name), value: current,
                problem: problems.first { $0.field == name }.map(language.describe))
            let choices = property.type == "boolean" ? ["true", "false"] : schema.allowedValues(of: name)?.map(\.displayText)
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

    /// A field's name in words: `image_url` → "Image URL", `aspect_ratio` → "Aspect ratio".
    static func words(_ name: String) -> String {
        let acronyms: Set = ["url", "urls", "id", "fps", "cfg"]
        let words = name.split(separator: "_").enumerated().map { index, word in
            acronyms.contains(word.lowercased())
                ? word.uppercased() : index == 0 ? word.prefix(1).uppercased() + word.dropFirst() : String(word)
        }
        return words.isEmpty ? name : words.joined(separator: " ")
    }
}
