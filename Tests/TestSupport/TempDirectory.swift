import Foundation

/// A temporary data home, removed when the test ends (kept with `EACHVAULT_KEEP_TEST_DIRS=1`, to read the logs of
/// the services, nginx and PostgreSQL a test ran).
public final class TempDirectory: @unchecked Sendable {
    public let url: URL

    public init() throws {
        url = FileManager.default.temporaryDirectory.appending(path: "eachvault-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        guard ProcessInfo.processInfo.environment["EACHVAULT_KEEP_TEST_DIRS"] == nil else { return }
        try? FileManager.default.removeItem(at: url)
    }
}
