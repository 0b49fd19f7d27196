import Foundation
import TestSupport
import Transport

/// Debian's PostgreSQL as a cluster of the test's own: created with `initdb` in a temporary folder (as the
/// `postgres` user when the tests run as root, which `initdb` refuses), listening on a free loopback port with a
/// password (SCRAM), stopped and removed when the value goes. Each test makes the databases it needs.
final class PostgresServer: @unchecked Sendable {
    private(set) var port = 0
    let password = "pw-" + UUID().uuidString.prefix(8).lowercased()
    private let folder: TempDirectory
    private var data: URL { folder.url.appending(path: "data") }

    /// A new database's URL. Each pool opens at most `poolSize` connections: dozens of services share the
    /// process's cluster, and most start together once it is up (beside a CPU hog, 60 services opening ten
    /// connections each made the server fork 400 backends in seconds, and leases ran out waiting for them).
    func database(_ name: String = "vault_\(UUID().uuidString.prefix(8).lowercased())", poolSize: Int = 4) async throws
        -> String
    {
        let created = try await runChild(
            [
                "psql", "-h", "127.0.0.1", "-p", String(port), "-U", "vault", "-d", "postgres", "-v", "ON_ERROR_STOP=1",
                "-c", "CREATE DATABASE \(name)",
            ],
            environment: ["PGPASSWORD": password, "PATH": "/usr/bin:/bin"])
        guard created.status == 0 else { throw PostgresServerError.failed("createdb: \(created.errors)") }
        return "postgres://vault:\(password)@127.0.0.1:\(port)/\(name)?pool_size=\(poolSize)"
    }

    /// Runs `sql` in the database at `url` with psql; its output, unaligned.
    func psql(_ url: String, _ sql: String) async throws -> String {
        let run = try await runChild(
            ["psql", String(url.prefix { $0 != "?" }), "-v", "ON_ERROR_STOP=1", "-At", "-c", sql],  // pool_size is ours
            environment: ["PATH": "/usr/bin:/bin"])
        guard run.status == 0 else { throw PostgresServerError.failed("psql: \(run.errors)") }
        return String(decoding: run.output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func start() async throws -> PostgresServer {
        try await Blocking.run { try PostgresServer() }
    }

    /// One cluster for the whole test process, started by the first test that asks (each test makes databases of
    /// its own in it) and stopped when the process exits: an `initdb` per test started dozens of clusters at once
    /// on two cores. Tests that restart or stop their server start one of their own.
    static func shared() async throws -> PostgresServer {
        try await sharedServer.value
    }

    private static let sharedServer = Task<PostgresServer, any Error> {
        let server = try await Blocking.run { try PostgresServer(maxConnections: 600) }
        sharedFolder = server.data.path
        atexit {
            PostgresServer.halt(dataFolder: PostgresServer.sharedFolder)
            if let data = PostgresServer.sharedFolder {
                try? FileManager.default.removeItem(at: URL(fileURLWithPath: data).deletingLastPathComponent())
            }
        }
        return server
    }

    nonisolated(unsafe) private static var sharedFolder: String?

    private init(maxConnections: Int = 100) throws {
        self.maxConnections = maxConnections
        folder = try TempDirectory()
        guard let bin = Self.binaries else { throw PostgresServerError.failed("PostgreSQL is not installed (make test-deps)") }
        let passwordFile = folder.url.appending(path: "password")
        try password.write(to: passwordFile, atomically: true, encoding: .utf8)
        if getuid() == 0 { _ = try runChildNow(["chown", "-R", "postgres", folder.url.path]) }
        let initdb = try spawnAndWait(
            asPostgres + [
                bin.appending(path: "initdb").path, "-D", data.path, "-U", "vault", "--pwfile=\(passwordFile.path)",
                "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync",
            ])
        guard initdb == 0 else { throw PostgresServerError.failed("initdb exited with status \(initdb)") }
        // A port found free may be taken by another test before the server binds it: try another.
        for attempt in 1...5 {
            port = try freeLoopbackPort()
            if try launch() { return }
            let log = (try? String(contentsOf: folder.url.appending(path: "log"), encoding: .utf8)) ?? ""
            guard attempt < 5, log.contains("Address already in use") else {
                throw PostgresServerError.failed("pg_ctl start failed: \(log.suffix(2000))")
            }
        }
    }

    private let maxConnections: Int
    private var asPostgres: [String] { getuid() == 0 ? ["runuser", "-u", "postgres", "--"] : [] }

    /// Starts the server on `port`; false when it did not start (see the log).
    private func launch() throws -> Bool {
        guard let bin = Self.binaries else { return false }
        let started = try spawnAndWait(
            asPostgres + [
                bin.appending(path: "pg_ctl").path, "-D", data.path, "-l", folder.url.appending(path: "log").path,
                "-w", "-o",
                "-p \(port) -k \(folder.url.path) -c listen_addresses=127.0.0.1 -c fsync=off "
                    + "-c max_connections=\(maxConnections)", "start",
            ])
        return started == 0
    }

    /// Stops the server as an operator's restart does (`pg_ctl stop -m fast`: sessions are ended, connections
    /// closed), for fault tests; `resume` starts it again on the same port.
    func stop() async throws {
        guard let bin = Self.binaries else { return }
        let arguments = asPostgres + [bin.appending(path: "pg_ctl").path, "-D", data.path, "-m", "fast", "-w", "stop"]
        let status = try await Blocking.run { try spawnAndWait(arguments) }
        guard status == 0 else { throw PostgresServerError.failed("pg_ctl stop exited with status \(status)") }
    }

    func resume() async throws {
        guard try await Blocking.run({ try self.launch() }) else { throw PostgresServerError.failed("pg_ctl start failed") }
    }

    /// Stopped on a thread of its own (a cooperative one must not wait for `pg_ctl`); the folder lives until then.
    deinit {
        let (folder, data) = (folder, data.path)
        Blocking.perform {
            Self.halt(dataFolder: data)
            _ = folder
        }
    }

    private static func halt(dataFolder: String?) {
        guard let dataFolder, let bin = binaries else { return }
        let asPostgres = getuid() == 0 ? ["runuser", "-u", "postgres", "--"] : []
        _ = try? spawnAndWait(asPostgres + [bin.appending(path: "pg_ctl").path, "-D", dataFolder, "-m", "immediate", "stop"])
    }

    /// Debian installs PostgreSQL's server programs under /usr/lib/postgresql/VERSION/bin; the newest is used.
    static let binaries: URL? = {
        let root = URL(fileURLWithPath: "/usr/lib/postgresql")
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return versions.compactMap(Int.init).max().map { root.appending(path: "\($0)/bin") }
    }()
}

/// Runs a program with its output discarded and waits for it with `waitpid`. Foundation's `Process` loses track of
/// `runuser` once `pg_ctl` under it has started a server (the wait never ends), and a pipe would be held open by the
/// server for good.
private func spawnAndWait(_ arguments: [String]) throws -> Int32 {
    wait(for: try spawn(arguments))
}

enum PostgresServerError: Error, CustomStringConvertible {
    case failed(String)
    var description: String {
        switch self {
        case .failed(let why): why
        }
    }
}
