import Foundation
import Testing
import Transport

/// The real `eachvault serve` binary in a child process, so a test can kill it with SIGKILL and start it again.
final class ServiceProcess: @unchecked Sendable {
    /// The debug build, or `EACHVAULT_TEST_BINARY` (benchmarks run the release build).
    static let binary =
        ProcessInfo.processInfo.environment["EACHVAULT_TEST_BINARY"].map { URL(fileURLWithPath: $0) }
        ?? URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appending(path: ".build/debug/eachvault")

    let home: URL
    let port: Int
    var environment: [String: String]
    private var process: SpawnedProcess?
    private var starts = 0

    var baseURL: String { "http://127.0.0.1:\(port)" }

    init(home: URL, port: Int, providerURL: String, apiKey: String) {
        self.home = home
        self.port = port
        var environment = ProcessInfo.processInfo.environment
        environment["EACHLABS_API_KEY"] = apiKey
        environment["EACHLABS_BASE_URL"] = providerURL
        environment["EACHVAULT_HOME"] = home.path
        environment["EACHVAULT_LISTEN"] = "127.0.0.1:\(port)"
        environment["EACHVAULT_PUBLIC_URL"] = "http://127.0.0.1:\(port)"
        environment["EACHVAULT_WORKER_PROFILE"] = "quick"
        environment["EACHVAULT_PRIVATE_INPUT_URLS"] = "allow"
        environment["EACHVAULT_PROVIDER_RPS"] = "100"
        environment["EACHVAULT_FFMPEG"] = "off"  // the tests of the binary count the files stored
        // The chaos runs promise that no prediction is paid twice: a create cut off by a SIGKILL waits for its trace
        // instead of being resent (UncertainCreateTests cover the default, resend).
        environment["EACHVAULT_UNCERTAIN_CREATES"] = "wait"
        self.environment = environment
    }

    /// Starts the binary and waits until it answers `/healthz`.
    func start() async throws {
        starts += 1
        let log = home.appending(path: "service-\(starts).log")
        process = try SpawnedProcess([Self.binary.path, "serve"], environment: environment, errorLog: log)
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let status = try? await URLStatus.get(baseURL + "/healthz"), status == 200 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("the service did not come up; see \(log.path)")
    }

    /// SIGKILL: no shutdown handler runs, whatever was in flight is cut off.
    func kill() async { await end(SIGKILL) }

    /// SIGTERM and wait: the graceful path.
    func stop() async { await end(SIGTERM) }

    /// Signals the process and waits for its end on a thread of its own: a graceful stop takes seconds, which a
    /// cooperative thread (two on a two-core host) must not spend blocked.
    private func end(_ signal: Int32) async {
        guard let process else { return }
        self.process = nil
        _ = try? await Blocking.run { process.stop(signal) }
    }

    deinit {
        if let process { Blocking.perform { process.stop(SIGKILL) } }
    }

    /// Runs a one-off command of the binary (`verify`, `migrate-blobs`, ...) with the service's environment and
    /// `extra`; its exit status and standard output. Waited for on a thread of its own, never a cooperative one.
    func command(_ arguments: [String], extra: [String: String] = [:]) async throws -> (status: Int32, output: String) {
        let run = try await runChild([Self.binary.path] + arguments, environment: environment.merging(extra) { $1 })
        return (run.status, String(decoding: run.output, as: UTF8.self))
    }
}

import TestSupport
import Transport

enum URLStatus {
    static func get(_ url: String) async throws -> Int {
        try await CurlTransport().send(HTTPRequest(url: url, timeout: .seconds(2))).status
    }
}
