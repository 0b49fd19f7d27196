import ArgumentParser
import EachLabs
import Foundation
import VaultAPIClient
import VaultContract

struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models", abstract: "List the provider's video models, with their prices where known.",
        discussion: "A price shows once the model's detail has been read (`eachvault model SLUG`, or a first create).")

    @OptionGroup var server: ServerOptions
    @Option(help: "Only this category (text-to-video, image-to-video, ...).") var category: String?
    @Option(help: "Only models whose slug or title contains this text.") var search: String?
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let needle = search?.lowercased()
        let models = try await server.client.models().filter { model in
            (category.map { $0 == model.category } ?? true)
                && (needle.map { model.slug.lowercased().contains($0) || model.title.lowercased().contains($0) } ?? true)
        }
        if json { return try printJSON(models) }
        var table = TextTable(["SLUG", "CATEGORY", "PRICE", "TITLE"])
        for model in models {
            table.add([model.slug, model.category ?? "-", model.cost?.summary ?? "-", model.title])
        }
        print(table.render())
        print("\(models.count) model(s)")
    }
}

struct ModelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model", abstract: "Show one model: its price, its input fields and an example command.")

    @OptionGroup var server: ServerOptions
    @Argument(help: "The model slug.") var slug: String
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let model = try await server.client.model(slug: slug)
        if json { return try printJSON(model) }
        print("\(model.title) (\(model.slug), version \(model.version))")
        print("category: \(model.category ?? "-")    price: \(model.cost?.summary ?? "unknown")")
        var table = TextTable(["FIELD", "TYPE", "REQUIRED", "ALLOWED / DEFAULT", "DESCRIPTION"])
        let schema = model.requestSchema
        for (name, property) in schema.properties.sorted(by: { Self.order($0.key, schema) < Self.order($1.key, schema) }) {
            let allowed = schema.allowedValues(of: name).map { $0.map(Self.text).joined(separator: "|") }
            table.add([
                name, property.type ?? "any", schema.required.contains(name) ? "yes" : "",
                [allowed, property.default.map { "default \(Self.text($0))" }].compactMap { $0 }.joined(separator: ", "),
                String((property.description ?? "").prefix(60)),
            ])
        }
        print(table.render())
        print("\nexample:\n  " + Self.example(model))
    }

    /// Required fields first, then by name.
    static func order(_ field: String, _ schema: RequestSchema) -> String {
        (schema.required.contains(field) ? "0" : "1") + field
    }

    /// A `generate` command that fills every required field: a local file for media, the first allowed value, or
    /// a placeholder.
    static func example(_ model: ModelDetail) -> String {
        var words = ["eachvault generate --model \(model.slug)"]
        for field in model.requestSchema.required.sorted() {
            let property = model.requestSchema.properties[field]
            let value: String
            if RequestSchema.isMediaField(field, type: property?.type) {
                value = "@" + sampleFile(for: MediaKind(field: field))
            } else if let first = model.requestSchema.allowedValues(of: field)?.first {
                value = text(first)
            } else {
                value = field.contains("prompt") ? "'a red fox running through snow'" : "VALUE"
            }
            words.append("--input \(field)=\(value)")
        }
        return words.joined(separator: " ") + " --wait"
    }

    /// A file name standing for what a media field takes.
    static func sampleFile(for kind: MediaKind?) -> String {
        switch kind {
        case .image: "photo.png"
        case .video: "clip.mp4"
        case .audio: "voice.mp3"
        case nil: "file"
        }
    }

    static func text(_ value: JSONValue) -> String {
        switch value {
        case .string(let string): string
        default: (try? JSONValue.canonicalJSON(value)) ?? "?"
        }
    }
}
