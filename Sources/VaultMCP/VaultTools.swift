import EachLabs
import Foundation
import MCP
import VaultAPIClient
import VaultContract
import VaultDomain

/// The tools `eachvault mcp` offers, each a thin call of the team's API through `VaultClient`.
struct VaultTools: Sendable {
    let client: VaultClient

    /// Reports progress (a number that grows, and what is happening) on the caller's progress token.
    typealias Progress = @Sendable (Double, String) async -> Void

    static let definitions: [Tool] = [
        Tool(
            name: "list_models", description: "The provider's video models: slug, title, version, category.",
            inputSchema: schema(["category": text("Only this category: text-to-video, image-to-video, ...")])),
        Tool(
            name: "describe_model",
            description: "One model: category, price, and the JSON schema its input must match (fields, enums, limits).",
            inputSchema: schema(["model": text("A model slug")], required: ["model"])),
        Tool(
            name: "plan_generation",
            description: """
                Validate a request without generating: problems by field, the cost estimate, an identical earlier \
                generation of the team (exact_match: reuse it instead of paying again) and similar earlier prompts.
                """,
            inputSchema: requestSchema),
        Tool(
            name: "generate",
            description: """
                Submit a generation (validated and deduplicated: an identical earlier request answers with that \
                generation, deduplicated_from says which). With wait=true, returns once the video is archived (or \
                failed), reporting progress meanwhile.
                """,
            inputSchema: requestSchema(extra: [
                "dedup": .object(["type": "boolean", "description": "false: always generate anew"]),
                "wait": .object(["type": "boolean", "description": "Wait until the generation is final"]),
            ])),
        Tool(
            name: "get_generation", description: "A generation: status, input, archived files with URLs, history.",
            inputSchema: schema(["id": text("A generation id (gen_...)")], required: ["id"])),
        Tool(
            name: "search_generations",
            description: """
                Search the team's past generations: words (prefixes), "phrases", -exclusions, and filters; best \
                match first for text, newest first otherwise. next_cursor pages on.
                """,
            inputSchema: schema([
                "q": text("Words to find in prompts, tags and notes"), "model": text("A model slug"),
                "category": text("A model category"), "status": text("pending, processing, completed, failed, ..."),
                "tag": text("A tag"), "from": text("Created on or after (2026-01-31)"), "to": text("Created on or before"),
                "min_duration": number("Seconds"), "max_duration": number("Seconds"),
                "resolution": text("1280x720, or the short side: 720p"), "has_audio": .object(["type": "boolean"]),
                "min_cost": number("USD"), "max_cost": number("USD"), "input": text("An input file's SHA-256"),
                "limit": .object(["type": "integer", "minimum": 1, "maximum": 500]), "cursor": text("next_cursor"),
            ])),
        Tool(
            name: "create_share",
            description: "A link that opens the generation's page and video without a token until it expires.",
            inputSchema: schema(
                ["id": text("A generation id"), "expires_in_s": number("Seconds the link lives (default 7 days)")],
                required: ["id"])),
        Tool(
            name: "report_spend",
            description: "Spend by model, day or tag, with generations whose cost is unknown and what deduplication saved.",
            inputSchema: schema([
                "group_by": .object(["type": "string", "enum": ["model", "day", "tag"]]),
                "from": text("A day (2026-01-31)"), "to": text("A day"),
            ])),
    ]

    /// Runs a tool; a refusal is a tool error whose text says what to change.
    func call(_ name: String, _ arguments: [String: Value], progress: @escaping Progress) async -> CallTool.Result {
        do {
            return .init(content: [.text(text: try await run(name, arguments, progress), annotations: nil, _meta: nil)])
        } catch let error as VaultClientError {
            return .init(content: [.text(text: Self.explain(error), annotations: nil, _meta: nil)], isError: true)
        } catch {
            return .init(content: [.text(text: "\(error)", annotations: nil, _meta: nil)], isError: true)
        }
    }

    private func run(_ name: String, _ arguments: [String: Value], _ progress: @escaping Progress) async throws -> String {
        let values = Arguments(arguments)
        switch name {
        case "list_models":
            let category = values.string("category")
            return try Self.json(try await client.models().filter { category == nil || $0.category == category })
        case "describe_model":
            return try Self.json(try await client.model(slug: try values.required("model")))
        case "plan_generation":
            return try Self.json(try await client.planGeneration(try values.request()))
        case "generate":
            var generation = try await client.createGeneration(try values.request())
            // Waiting: the service (never the provider) is asked once a second; each answer is a progress step.
            var step = 0.0
            while values.bool("wait") == true, !generation.status.isFinal {
                try await Task.sleep(for: .seconds(1))
                generation = try await client.generation(id: generation.id)
                step += 1
                await progress(step, generation.status.rawValue)
            }
            return try Self.json(generation)
        case "get_generation":
            return try Self.json(try await client.generation(id: try values.required("id")))
        case "search_generations":
            let names = [
                "q", "model", "category", "status", "tag", "from", "to", "min_duration", "max_duration", "resolution",
                "has_audio", "min_cost", "max_cost", "input", "limit", "cursor",
            ]
            return try Self.json(try await client.search(names.map { ($0, values.queryValue($0)) }))
        case "create_share":
            return try Self.json(try await client.share(id: try values.required("id"), expiresInS: values.number("expires_in_s")))
        case "report_spend":
            let grouping = SpendGrouping(rawValue: values.string("group_by") ?? "model") ?? .model
            return try Self.json(try await client.spend(groupBy: grouping, from: values.string("from"), to: values.string("to")))
        default:
            throw ToolRefusal("no tool named \(name); list_tools shows them")
        }
    }

    /// The API's refusal in words an agent can act on: the message, then each field and what is wrong with it.
    static func explain(_ error: VaultClientError) -> String {
        guard let detail = error.error else { return error.description }
        let fields = (detail.fields ?? []).map { problem in
            "- \(problem.field): \(problem.problem)"
                + (problem.allowed.map { "; allowed: " + $0.map { String(describing: $0) }.joined(separator: ", ") } ?? "")
        }
        return (["\(detail.code) (HTTP \(error.status)): \(detail.message)"] + fields).joined(separator: "\n")
    }

    static func json(_ value: some Encodable) throws -> String {
        String(decoding: try ContractJSON.encoder().encode(value), as: UTF8.self)
    }

    // MARK: - Schemas

    private static func text(_ description: String) -> Value { .object(["type": "string", "description": .string(description)]) }
    private static func number(_ description: String) -> Value { .object(["type": "number", "description": .string(description)]) }

    private static func schema(_ properties: [String: Value], required: [String] = []) -> Value {
        .object(["type": "object", "properties": .object(properties), "required": .array(required.map { .string($0) })])
    }

    private static let requestSchema = requestSchema(extra: [:])

    private static func requestSchema(extra: [String: Value]) -> Value {
        schema(
            [
                "model": text("A model slug (list_models, describe_model)"),
                "input": .object([
                    "type": "object",
                    "description": "The model's input (describe_model gives its schema); media fields take URLs",
                ]),
                "tags": .object(["type": "array", "items": .object(["type": "string"])]),
            ].merging(extra) { $1 }, required: ["model", "input"])
    }
}

/// A tool call's arguments, read leniently (a number sent as text is still a number).
struct Arguments {
    let values: [String: Value]

    init(_ values: [String: Value]) { self.values = values }

    func string(_ name: String) -> String? { values[name]?.stringValue }
    func bool(_ name: String) -> Bool? { values[name]?.boolValue }
    func number(_ name: String) -> Double? {
        values[name].flatMap { $0.doubleValue ?? $0.intValue.map(Double.init) ?? $0.stringValue.flatMap(Double.init) }
    }

    func required(_ name: String) throws -> String {
        guard let value = string(name), !value.isEmpty else { throw ToolRefusal("\(name) is required") }
        return value
    }

    /// A query parameter's text for a value of any JSON type; nil when absent.
    func queryValue(_ name: String) -> String? {
        switch values[name] {
        case .string(let text)?: text
        case .int(let number)?: String(number)
        case .double(let number)?: String(number)
        case .bool(let flag)?: String(flag)
        default: nil
        }
    }

    func request() throws -> GenerationRequest {
        guard case .object(let input)? = values["input"] else { throw ToolRefusal("input is required: an object of the model's fields") }
        return GenerationRequest(
            model: try required("model"), input: input.mapValues(Self.json), tags: values["tags"]?.arrayValue?.compactMap(\.stringValue),
            dedup: bool("dedup"))
    }

    static func json(_ value: Value) -> JSONValue {
        switch value {
        case .null: .null
        case .bool(let flag): .bool(flag)
        case .int(let number): .int(number)
        case .double(let number): .double(number)
        case .string(let text): .string(text)
        case .data(let mimeType, let data): .string("data:\(mimeType ?? "application/octet-stream");base64,\(data.base64EncodedString())")
        case .array(let values): .array(values.map(json))
        case .object(let fields): .object(fields.mapValues(json))
        }
    }
}

struct ToolRefusal: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
