import EachLabs
import Foundation
import TestSupport
import Testing

/// A minimal input every schema should accept: each required field with a value of its declared type.
func minimalInput(for schema: RequestSchema) -> [String: JSONValue] {
    var input: [String: JSONValue] = [:]
    for name in schema.required {
        guard let property = schema.properties[name] else { continue }
        input[name] = exampleValue(name: name, property, allowed: schema.allowedValues(of: name))
    }
    return input
}

func exampleValue(name: String, _ property: PropertySchema, allowed: [JSONValue]?) -> JSONValue {
    if let first = allowed?.first { return first }
    if let value = property.default { return value }
    switch property.type {
    case "integer": return .int(Int(property.minimum ?? 1))
    case "number": return .double(property.minimum ?? 1)
    case "boolean": return .bool(true)
    case "array": return .array([.string("https://example.test/\(name).png")])
    default: return .string(name.contains("url") || name.contains("image") ? "https://example.test/\(name).png" : "a test \(name)")
    }
}

@Suite(.timeLimit(.minutes(5))) struct SchemaValidationTests {
    let catalogue: [ProviderModel]

    init() throws {
        catalogue = try Fixtures.catalogue
    }

    @Test func catalogueHasAll167VideoModels() {
        #expect(catalogue.count == 167)
        #expect(Set(catalogue.map(\.slug)).count == 167)
    }

    @Test func everyModelAcceptsAMinimalInput() {
        for model in catalogue {
            let result = model.requestSchema.validate(minimalInput(for: model.requestSchema))
            #expect((try? result.get()) != nil, "\(model.slug): \(result)")
        }
    }

    @Test func everySchemaDefaultIsValidForItsOwnField() {
        for model in catalogue {
            let schema = model.requestSchema
            var input = minimalInput(for: schema)
            for (name, property) in schema.properties { if let value = property.default { input[name] = value } }
            #expect((try? schema.validate(input).get()) != nil, "\(model.slug) has a default its schema rejects")
        }
    }

    @Test func garbledCatalogueEnumsAreNotEnforced() async throws {
        // These seed entries carry enums cut off mid-value (JSON fragments, "Le..."), without their own default.
        let garbled = catalogue.filter { model in
            model.requestSchema.properties.contains { $1.enum != nil && model.requestSchema.allowedValues(of: $0) == nil }
        }
        #expect(
            Set(garbled.map(\.slug)) == [
                "pika-v-1-5-effects", "kling-v1-6-standart-effects", "kling-v1-6-pro-effects", "pixverse-v4-5-effect",
                "pixverse-v4-effect", "vidu-template", "vidu-q-1-reference-to-video", "vidu-1-5-reference-to-video",
                "vidu-1-5-start-end-to-video",
            ])
        let kling = try #require(catalogue.first { $0.slug == "kling-v1-6-pro-effects" })
        var input = minimalInput(for: kling.requestSchema)
        input["template_slug"] = "hug"
        #expect((try? kling.requestSchema.validate(input).get()) != nil)
        input["template_slug"] = 12
        #expect((try? kling.requestSchema.validate(input).get())?["template_slug"] == "12")
    }

    @Test func fileFormatsListedAsAMediaFieldsEnumAreNotEnforced() throws {
        // The catalogue lists the formats the start and end images may take as their fields' enums; the values
        // are URLs, so a team could not use the model at all if the list were enforced.
        let vidu = try #require(catalogue.first { $0.slug == "vidu-1-5-start-end-to-video" })
        #expect(vidu.requestSchema.properties["start_image_url"]?.enum?.first == "png")
        let input: [String: JSONValue] = [
            "start_image_url": "https://example.test/first.png", "end_image_url": "https://example.test/last.png",
        ]
        #expect((try? vidu.requestSchema.validate(input).get()) == input)
    }

    @Test func missingRequiredFieldsAreEachReported() {
        for model in catalogue where !model.requestSchema.required.isEmpty {
            guard case .failure(let failure) = model.requestSchema.validate([:]) else {
                Issue.record("\(model.slug) accepted an empty input")
                continue
            }
            #expect(Set(failure.problems.map(\.field)) == Set(model.requestSchema.required), "\(model.slug)")
            #expect(failure.problems.allSatisfy { $0.problem == "is required" })
        }
    }

    @Test func valuesOutsideAnEnumAreRejectedWithTheAllowedValues() {
        for model in catalogue {
            let schema = model.requestSchema
            for (name, property) in schema.properties {
                guard let allowed = schema.allowedValues(of: name), property.type == "string" else { continue }
                var input = minimalInput(for: schema)
                input[name] = "definitely-not-allowed"
                guard case .failure(let failure) = schema.validate(input) else {
                    Issue.record("\(model.slug).\(name) accepted a value outside its enum")
                    continue
                }
                #expect(failure.problems.map(\.problem) == ["definitely-not-allowed is not one of the allowed values"])
                #expect(
                    failure.problems == [
                        FieldProblem(field: name, reason: .notAllowed(value: "definitely-not-allowed"), allowed: allowed)
                    ])
            }
        }
    }

    @Test func wrongTypesAreRejectedForEveryTypedField() {
        for model in catalogue {
            let schema = model.requestSchema
            for (name, property) in schema.properties where property.type != nil {
                var input = minimalInput(for: schema)
                input[name] = .object(["nested": true])
                if property.type == "object" { continue }
                guard case .failure(let failure) = schema.validate(input) else {
                    Issue.record("\(model.slug).\(name) accepted an object for a \(property.type ?? "")")
                    continue
                }
                #expect(failure.problems.map(\.field) == [name])
                #expect(failure.problems[0].problem.hasPrefix("must be"))
            }
        }
    }

    @Test func equivalentFormsAreNormalisedToTheSchemasType() async throws {
        let schema = RequestSchema(
            required: ["prompt"],
            properties: [
                "prompt": PropertySchema(type: "string"),
                "duration": PropertySchema(type: "string", enum: ["5", "10"]),
                "seed": PropertySchema(type: "integer"),
                "cfg_scale": PropertySchema(type: "number"),
                "audio": PropertySchema(type: "boolean"),
            ])
        let normalised = try schema.validate([
            "prompt": "a cat", "duration": 5, "seed": "42", "cfg_scale": "0.5", "audio": "true",
        ]).get()
        #expect(normalised == ["prompt": "a cat", "duration": "5", "seed": 42, "cfg_scale": 0.5, "audio": true])
        #expect(throws: ValidationFailure.self) { try schema.validate(["prompt": "a", "seed": 1.5]).get() }
        #expect(throws: ValidationFailure.self) { try schema.validate(["prompt": "a", "duration": 7]).get() }
    }

    @Test func unknownFieldsAndBoundsAreReported() {
        let schema = RequestSchema(
            required: [],
            properties: [
                "steps": PropertySchema(type: "integer", minimum: 1, maximum: 50),
                "text": PropertySchema(type: "string", minLength: 2, maxLength: 4),
            ])
        guard case .failure(let failure) = schema.validate(["steps": 51, "text": "x", "promt": "typo"]) else {
            Issue.record("accepted")
            return
        }
        #expect(failure.problems.map(\.field) == ["promt", "steps", "text"])
        #expect(failure.problems[0].problem == "is not a parameter of this model")
    }

    @Test func defaultsFillOnlyMissingFields() async throws {
        let model = try #require(catalogue.first { $0.slug == "kling-v2-6-pro-text-to-video" })
        let effective = model.requestSchema.applyingDefaults(to: ["prompt": "x", "duration": "5"])
        #expect(effective["duration"] == "5")
        #expect(effective["aspect_ratio"] == "16:9")
        #expect(effective["generate_audio"] == true)
        #expect(effective["prompt"] == "x")
    }
}
