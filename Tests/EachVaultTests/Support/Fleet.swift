import Blobs
import Foundation
import HTTPSupport
import Logging
import ObjectStorage
import Simulator
import Storage
import StorePostgres
import TestSupport
import Testing
import Transport
import VaultAPIClient
import VaultRuntime

/// EachVault scaled out, all real: `count` `eachvault serve` processes sharing one PostgreSQL and one S3-compatible
/// bucket (moto, signatures checked), behind `deploy/multi-instance/nginx.conf` in Debian's nginx, beside a
/// simulator in this process that delivers its webhooks to nginx's public HTTPS URL, as the provider would.
struct Fleet: Sendable {
    let postgres: PostgresServer
    let databaseURL: String
    let bucket: S3TestServer
    let nginx: NginxProcess
    let simulator: EachLabsSimulator
    let simulatorServer: RunningServer
    let instances: [ServiceProcess]
    let token: String
    /// Where the instances' homes and nginx's files are.
    let work: TempDirectory
    /// Where the blobs go in the bucket: its root. (moto, with signatures checked, rejects a correctly signed
    /// listing whose prefix holds a `/`, boto3's too; AWS S3 and MinIO take it.)
    static let prefix = ""

    /// Starts everything, makes a team and its token, and waits until every instance answers.
    /// - Parameter environment: settings for every instance beyond the fleet's own.
    static func start(
        instances count: Int, simulator settings: SimulatorSettings, environment: [String: String] = [:]
    ) async throws -> Fleet {
        let work = try TempDirectory()
        let postgres = try await PostgresServer.start()
        let databaseURL = try await postgres.database()
        let bucket = try await S3TestServer.start()
        let ports = try (0..<count).map { _ in try freeLoopbackPort() }
        // The site has three upstream lines: fewer instances take more than one each.
        let upstreams = (0..<3).map { "127.0.0.1:\(ports[$0 % count])" }
        let nginx = try await NginxProcess.start(balancing: upstreams, work: work.url)
        let simulator = EachLabsSimulator(
            settings: settings, transport: CurlTransport(certificateAuthorities: nginx.certificate.path))
        let simulatorServer = try await SimulatorApp.start(simulator, logger: Logger.quiet)
        let instances = try ports.enumerated().map { index, port in
            let home = work.url.appending(path: "instance-\(index)")
            try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
            let instance = ServiceProcess(home: home, port: port, providerURL: simulatorServer.baseURL, apiKey: Harness.apiKey)
            instance.environment.merge(bucket.environment) { $1 }
            instance.environment["EACHVAULT_DATABASE_URL"] = databaseURL
            instance.environment["EACHVAULT_BLOB_STORE"] = "s3://\(bucket.bucket)/\(prefix)"
            instance.environment["EACHVAULT_PUBLIC_URL"] = nginx.httpsURL
            instance.environment["EACHVAULT_INSTANCE"] = "instance-\(index)"
            instance.environment.merge(environment) { $1 }
            return instance
        }
        let team = try await instances[0].command(["team", "create", "fleet"])
        let token = try await instances[0].command(["token", "create", "--team", "fleet"])
        guard team.status == 0, token.status == 0 else { throw FleetError.setup(team.output + token.output) }
        for instance in instances { try await instance.start() }
        return Fleet(
            postgres: postgres, databaseURL: databaseURL, bucket: bucket, nginx: nginx, simulator: simulator,
            simulatorServer: simulatorServer, instances: instances,
            token: token.output.trimmingCharacters(in: .whitespacesAndNewlines), work: work)
    }

    /// A client of the public URL (nginx), trusting the test's certificate.
    func client() -> VaultClient {
        VaultClient(
            baseURL: nginx.httpsURL, token: token,
            transport: CurlTransport(certificateAuthorities: nginx.certificate.path))
    }

    /// The shared database, opened as one more instance would (for the test's own reads).
    func withArchive<T: Sendable>(_ body: @Sendable (PostgresArchive) async throws -> T) async throws -> T {
        try await PostgresArchive.open(try PostgresLocation(url: databaseURL), logger: Logger.quiet, body)
    }

    /// The shared bucket as a blob store.
    /// The instances' log lines (every start of each) that mention any of `needles`, for a failure's message.
    func logLines(mentioning needles: [String]) -> [String] {
        instances.flatMap { instance -> [String] in
            let files = (try? FileManager.default.contentsOfDirectory(at: instance.home, includingPropertiesForKeys: nil)) ?? []
            return files.filter { $0.lastPathComponent.hasPrefix("service-") }.sorted { $0.path < $1.path }.flatMap { file in
                let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
                return text.split(separator: "\n").filter { line in needles.contains { line.contains($0) } }
                    .map { "\(instance.home.lastPathComponent)/\(file.lastPathComponent): \($0)" }
            }
        }
    }

    func blobs() throws -> BlobStore {
        try BlobStore(
            backend: S3Blobs(client: S3Client(location: try bucket.location(prefix: Self.prefix), transport: CurlTransport())),
            tempDirectory: work.url.appending(path: "tmp"))
    }

    /// The bucket's keys under the archive's prefix.
    func storedKeys() async throws -> [String] {
        let client = S3Client(location: try bucket.location(), transport: CurlTransport())
        var keys: [String] = []
        var continuation: String?
        repeat {
            let (objects, next) = try await client.list(prefix: Self.prefix, continuation: continuation)
            keys += objects.map(\.key)
            continuation = next
        } while continuation != nil
        return keys
    }

    /// Stops the instances gracefully, then the simulator.
    func stop() async {
        for instance in instances { await instance.stop() }
        await simulatorServer.stop()
    }
}

enum FleetError: Error { case setup(String) }
