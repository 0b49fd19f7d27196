import Foundation
import Synchronization
import TestSupport
import Transport

/// What a finished child process left: its exit status, standard output and standard error.
struct ChildResult: Sendable {
    var status: Int32
    var output: Data
    var errors: String
}

/// A long-running child (a service, a server, nginx), started with `posix_spawn`: never with Foundation's `Process`,
/// whose `run` on Linux has crashed copying its arguments and environment (a bad pointer in `memcpy`), even one
/// launch at a time. Stopped with a signal and waited for; its exit status is kept.
final class SpawnedProcess: Sendable {
    let pid: pid_t
    private let status = Mutex<Int32?>(nil)

    /// - Parameter errorLog: a file that receives the child's standard error (appended); else it is discarded.
    init(_ arguments: [String], environment: [String: String]? = nil, errorLog: URL? = nil) throws {
        let log = errorLog.map { open($0.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644) }
        if let log, log < 0 { throw ChildProcessError.cannotStart(arguments, errno) }
        defer { log.map { _ = close($0) } }
        pid = try spawn(arguments, environment: environment, errors: log)
    }

    /// Sends `signal` (SIGTERM: the graceful way; SIGKILL: cut off) and waits for the end.
    @discardableResult func stop(_ signal: Int32 = SIGTERM) -> Int32 {
        if status.withLock({ $0 }) == nil { kill(pid, signal) }
        return waitUntilExit()
    }

    /// Waits for the child to end: its exit status (128 and the signal if one ended it).
    @discardableResult func waitUntilExit() -> Int32 {
        if let ended = status.withLock({ $0 }) { return ended }
        let ended = wait(for: pid)
        status.withLock { $0 = ended }
        return ended
    }
}

/// Runs `spawn` (a `posix_spawn` of a child) one at a time in the whole test process.
private func launching<T>(_ spawn: () throws -> T) rethrows -> T {
    try launchLock.withLock { _ in try spawn() }
}

private let launchLock = Mutex(())

/// Runs a program to its end and collects its output. Waited for on a thread of its own (`Blocking`), never a
/// cooperative one: the child may be talking to a service in this very process (a browser, an MCP client, curl
/// through nginx), which needs those threads to answer it.
func runChild(_ arguments: [String], environment: [String: String]? = nil) async throws -> ChildResult {
    try await Blocking.run { try runChildNow(arguments, environment: environment) }
}

/// The same, blocking the calling thread (for callers already on a thread of their own). Spawned with
/// `posix_spawn`, not Foundation's `Process`, whose `run` has crashed in CI copying memory it did not own.
func runChildNow(_ arguments: [String], environment: [String: String]? = nil) throws -> ChildResult {
    var (output, errors) = ([Int32](repeating: 0, count: 2), [Int32](repeating: 0, count: 2))
    guard pipe(&output) == 0, pipe(&errors) == 0 else { throw ChildProcessError.cannotStart(arguments, errno) }
    let pid: pid_t
    do {
        pid = try spawn(["/usr/bin/env"] + arguments, environment: environment, output: output[1], errors: errors[1])
    } catch {
        (output + errors).forEach { close($0) }
        throw error
    }
    close(output[1])
    close(errors[1])
    // Standard error is drained beside standard output, so a child filling one pipe never waits on the other.
    let errorData = Mutex(Data())
    let drained = DispatchGroup()
    let errorReader = errors[0]
    DispatchQueue.global().async(group: drained) {
        let data = readToEnd(errorReader)
        errorData.withLock { $0 = data }
    }
    let data = readToEnd(output[0])
    drained.wait()
    return ChildResult(
        status: wait(for: pid), output: data, errors: String(decoding: errorData.withLock { $0 }, as: UTF8.self))
}

/// Starts `arguments` (a path, or a name looked up on `PATH`) with `environment` (default: this process's), its
/// standard input from `/dev/null` and its output to `output` and `errors` (default: `/dev/null`); its process id.
/// The child starts with no signal blocked and the usual actions for the stopping signals (this process blocks
/// SIGTERM for its service's handler, and ignores SIGPIPE).
func spawn(
    _ arguments: [String], environment: [String: String]? = nil, output: Int32? = nil, errors: Int32? = nil
) throws -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    for (target, source) in [(Int32(1), output), (2, errors)] {
        if let source {
            posix_spawn_file_actions_adddup2(&actions, source, target)
        } else {
            posix_spawn_file_actions_addopen(&actions, target, "/dev/null", O_WRONLY, 0)
        }
    }
    // The child keeps nothing of this process open but its three standard streams: no other end of a pipe (a
    // reader would wait for it too), no socket of a test's connection or server (it would outlive the close).
    guard closeFrom(&actions, 3) == 0 else { throw ChildProcessError.cannotStart(arguments, errno) }
    let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    let envp: [UnsafeMutablePointer<CChar>?]? = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
    defer { envp?.forEach { free($0) } }
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var (unblocked, defaults) = (sigset_t(), sigset_t())
    sigemptyset(&unblocked)
    sigemptyset(&defaults)
    for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE] { sigaddset(&defaults, signal) }
    posix_spawnattr_setsigmask(&attributes, &unblocked)
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    var pid: pid_t = 0
    let spawned = launching {
        envp.map { posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, $0) }
            ?? posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, environ)
    }
    guard spawned == 0 else { throw ChildProcessError.cannotStart(arguments, spawned) }
    return pid
}

/// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), which Swift's Glibc module does not show.
private let closeFrom: @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32 = {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else {
        preconditionFailure("glibc 2.34 or later is needed (posix_spawn_file_actions_addclosefrom_np)")
    }
    return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
}()

/// Waits for a spawned child to end: its exit status (128 and the signal if one ended it).
func wait(for pid: pid_t) -> Int32 {
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    return status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
}

/// Everything a descriptor gives until its end, which it then closes.
private func readToEnd(_ descriptor: Int32) -> Data {
    defer { close(descriptor) }
    var data = Data()
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = read(descriptor, &buffer, buffer.count)
        if count > 0 {
            data.append(buffer, count: count)
        } else if count == 0 || errno != EINTR {
            return data
        }
    }
}

enum ChildProcessError: Error, CustomStringConvertible {
    case cannotStart([String], Int32)
    var description: String {
        switch self {
        case .cannotStart(let arguments, let code): "\(arguments.first ?? "") could not start (\(code))"
        }
    }
}
