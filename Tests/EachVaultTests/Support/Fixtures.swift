import EachLabs
import Foundation
import TestSupport

/// Test data from the simulator's embedded fixtures, read from the source tree.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appending(path: "Sources/Simulator/Fixtures")

    static func data(_ name: String) throws -> Data {
        try Data(contentsOf: directory.appending(path: name))
    }

    static var catalogue: [ProviderModel] {
        get throws { try JSONDecoder().decode([ProviderModel].self, from: data("video-models.json")) }
    }
}
