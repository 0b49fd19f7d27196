import Foundation
import PackagePlugin

/// Embeds data files into a target at build time. The target lists, in `embed.txt`, folders relative to the
/// package root; every regular file in them is embedded and readable through the generated `EmbeddedFiles` enum.
@main
struct EmbedFiles: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let manifest = target.directoryURL.appending(path: "embed.txt")
        let folders = try String(contentsOf: manifest, encoding: .utf8)
            .split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        let fileManager = FileManager.default
        var inputs: [URL] = [manifest]
        for folder in folders {
            let url = context.package.directoryURL.appending(path: folder)
            let names = try fileManager.contentsOfDirectory(atPath: url.path()).sorted()
            inputs += names.filter { !$0.hasPrefix(".") }.map { url.appending(path: $0) }
        }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedFiles.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(inputs.count - 1) files into \(target.name)",
                executable: try context.tool(named: "embed-files").url,
                arguments: [output.path()] + inputs.dropFirst().map { $0.path() },
                inputFiles: inputs,
                outputFiles: [output])
        ]
    }
}
