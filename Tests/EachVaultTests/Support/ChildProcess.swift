import Foundation
import Synchronization
import Transport

/// What a finished child process left: its exit status, standard output and standard error.
struct ChildResult: Sendable {
    var status: Int32
    var output: Data
    var errors: String
}

/// Starts `process`, one launch at a time in the whole test process: Foundation's `Process.run` on Linux has crashed
/// copying its arguments and environment (a bad pointer in `memcpy`) while other threads launched children at the
/// same moment, which the tests on two databases do by the dozen.
func launch(_ process: Process) throws {
    try launchLock.withLock { _ in try process.run() }
}

/// Runs `spawn` (a `posix_spawn` of a child) under the same one-at-a-time lock as `launch`.
func launching<T>(_ spawn: () throws -> T) rethrows -> T {
    try launchLock.withLock { _ in try spawn() }
}

private let launchLock = Mutex(())

/// Runs a program to its end and collects its output. Waited for on a thread of its own (`Blocking`), never a
/// cooperative one: the child may be talking to a service in this very process (a browser, an MCP client, curl
/// through nginx), which needs those threads to answer it.
func runChild(_ arguments: [String], environment: [String: String]? = nil) async throws -> ChildResult {
    try await Blocking.run { try runChildNow(arguments, environment: environment) }
}

/// The same, blocking the calling thread (for callers already on a thread of their own).
func runChildNow(_ arguments: [String], environment: [String: String]? = nil) throws -> ChildResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    if let environment { process.environment = environment }
    let (output, errors) = (Pipe(), Pipe())
    process.standardOutput = output
    process.standardError = errors
    try launch(process)
    // Standard error is drained beside standard output, so a child filling one pipe never waits on the other.
    let errorData = Mutex(Data())
    let drained = DispatchGroup()
    DispatchQueue.global().async(group: drained) {
        let data = errors.fileHandleForReading.readDataToEndOfFile()
        errorData.withLock { $0 = data }
    }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    drained.wait()
    process.waitUntilExit()
    return ChildResult(
        status: process.terminationStatus, output: data,
        errors: String(decoding: errorData.withLock { $0 }, as: UTF8.self))
}
