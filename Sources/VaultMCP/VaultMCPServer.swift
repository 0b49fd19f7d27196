import Foundation
import MCP
import VaultAPIClient
import VaultContract

/// `eachvault mcp`: the team's archive as tools for AI agents, over stdio (Model Context Protocol), talking to a
/// running EachVault with a team token. Every tool answers JSON an agent can act on; a refused request comes back as
/// a tool error with the API's field-level detail.
public enum VaultMCPServer {
    public static func run(client: VaultClient) async throws {
        let server = Server(
            name: "eachvault", version: "1.0.0",
            instructions: """
                EachVault archives each::labs video generations for a team. Before generating, call plan_generation: \
                it validates the input against the model's schema, estimates the cost, and names an identical \
                earlier generation (reuse it instead of paying again) and similar earlier prompts. Use \
                search_generations to find past work; generate with wait=true blocks until the video is archived.
                """,
            capabilities: .init(resources: .init(subscribe: false, listChanged: false), tools: .init(listChanged: false)))
        let tools = VaultTools(client: client)
        await server.withMethodHandler(ListTools.self) { _ in .init(tools: VaultTools.definitions) }
        await server.withMethodHandler(CallTool.self) { [server] parameters in
            await tools.call(parameters.name, parameters.arguments ?? [:]) { progress, message in
                guard let token = parameters._meta?.progressToken else { return }
                try? await server.notify(
                    ProgressNotification.message(.init(progressToken: token, progress: progress, message: message)))
            }
        }
        await server.withMethodHandler(ListResources.self) { _ in .init(resources: []) }
        await server.withMethodHandler(ListResourceTemplates.self) { _ in
            .init(templates: [
                Resource.Template(
                    uriTemplate: "eachvault://generations/{id}", name: "generation",
                    description: "A generation of the team: status, input, stored files with their URLs, history",
                    mimeType: "application/json")
            ])
        }
        await server.withMethodHandler(ReadResource.self) { parameters in
            let prefix = "eachvault://generations/"
            guard parameters.uri.hasPrefix(prefix) else {
                throw MCPError.invalidParams("unknown resource \(parameters.uri); generations are \(prefix){id}")
            }
            do {
                let generation = try await client.generation(id: String(parameters.uri.dropFirst(prefix.count)))
                return .init(contents: [.text(try VaultTools.json(generation), uri: parameters.uri, mimeType: "application/json")])
            } catch let error as VaultClientError {
                throw MCPError.invalidParams(VaultTools.explain(error))
            }
        }
        let transport = StdioTransport()
        try await server.start(transport: transport)
        await server.waitUntilCompleted()
    }
}
