import Foundation
import TestSupport
import Testing

/// `eachvault mcp` driven by the reference MCP client (PyPI `mcp`, `Tests/MCP/mcp_check.py`) over stdio against a
/// live service and the simulator: initialise, list tools, describe a model, plan, a bad input whose error names the
/// field, generate and wait with progress, the plan then finding that generation, search, share, spend, and a
/// generation read as a resource.
@Suite(.timeLimit(.minutes(5))) struct MCPTests {
    static let script = ServiceProcess.binary.deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appending(path: "Tests/MCP/mcp_check.py")

    struct Seen: Decodable {
        var server: String
        var instructions: Bool
        var tools: [String]
        var schemas: Bool
        var described_fields: [String]
        var plan_valid: Bool
        var plan_cost_basis: String
        var bad_plan: [Problem]
        var refused_is_error: Bool
        var refused_text: String
        var generated_status: String
        var generated_files: Int
        var progress: [String?]
        var exact_match: Bool
        var search_ids: [String]
        var generation_id: String
        var share_url: String
        var spend_rows: [String]
        var templates: [String]
        var resource_id: String
        var missing_is_error: Bool

        struct Problem: Decodable { var field: String }
    }

    @Test func anAgentPlansGeneratesWaitsSearchesAndSharesThroughTheTools() async throws {
        try await withHarness { harness in
            let arguments = ["python3", Self.script.path, ServiceProcess.binary.path, harness.server.baseURL, harness.token]
            let run = try await runChild(arguments)
            let (status, output, problems) = (run.status, run.output, run.errors)
            try #require(status == 0, "\(problems.suffix(3000))")
            let seen = try JSONDecoder().decode(Seen.self, from: output)
            #expect(seen.server == "eachvault" && seen.instructions && seen.schemas)
            #expect(
                seen.tools == [
                    "create_share", "describe_model", "generate", "get_generation", "list_models", "plan_generation",
                    "report_spend", "search_generations",
                ])
            #expect(seen.described_fields.contains("prompt") && seen.described_fields.contains("duration"))
            #expect(seen.plan_valid && !seen.plan_cost_basis.isEmpty)
            #expect(seen.bad_plan.map(\.field) == ["duration"])
            #expect(seen.refused_is_error && seen.refused_text.contains("prompt"))
            #expect(seen.generated_status == "completed" && seen.generated_files == 1 && !seen.progress.isEmpty)
            #expect(seen.progress.last == "completed")
            #expect(seen.exact_match && seen.search_ids.contains(seen.generation_id))
            #expect(seen.share_url.contains("/s/") && seen.spend_rows == ["pixverse-v5-6-text-to-video"])
            #expect(seen.templates == ["eachvault://generations/{id}"] && seen.resource_id == seen.generation_id)
            #expect(seen.missing_is_error)
        }
    }
}
