import EachLabs

/// Form fields generated from a model's request schema: enums as selects, booleans as checkboxes, numbers as
/// number inputs, prompts as text areas; defaults filled in, required fields first and marked.
enum SchemaForm {
    static func fields(for schema: RequestSchema, given: [String: String], problems: [FieldProblem]) -> [[String: Any]] {
        let required = Set(schema.required)
        let names = schema.properties.keys.sorted { (required.contains($0) ? 0 : 1, $0) < (required.contains($1) ? 0 : 1, $1) }
        return names.map { name in
            let property = schema.properties[name]!
            let current = given[name] ?? property.default?.displayText ?? ""
            var field: [String: Any] = ["name": name, "required": required.contains(name), "value": current]
            if let problem = problems.first(where: { $0.field == name }) { field["problem"] = problem.problem }
            if let choices = property.enforcedEnum {
                field["isEnum"] = true
                field["options"] = choices.map { ["value": $0.displayText, "selected": $0.displayText == current] }
            } else if property.type == "boolean" {
                field["isBool"] = true
                field["checked"] = current == "true"
            } else if name.contains("prompt") || name.hasSuffix("_content") {
                field["isText"] = true
            } else {
                field["isInput"] = true
                field["isNumber"] = property.type == "integer" || property.type == "number"
            }
            return field
        }
    }
}
