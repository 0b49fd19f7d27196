import Foundation
import TestSupport
import Testing
import Transport

/// Debian's nginx in a child process, running one of `deploy/`'s sites with a test's ports, certificate, upstreams
/// and blob folder put in for the deployment's (each replaced exactly once, so the file and the test cannot drift apart), and the
/// `curl` tool to talk TLS to it with the test's own certificate authority. Child processes are waited for on
/// threads of their own (`Blocking`): a cooperative thread blocked on `curl` could be the one the in-process
/// service needs to answer it.
final class NginxProcess: @unchecked Sendable {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    let httpPort: Int
    let httpsPort: Int
    let certificate: URL
    private let process: SpawnedProcess

    var httpsURL: String { "https://127.0.0.1:\(httpsPort)" }

    /// `deploy/nginx.conf`, the single-host site.
    /// - Parameters:
    ///   - upstream: EachVault's `host:port`.
    ///   - blobs: the folder EachVault keeps its blobs in.
    static func start(upstream: String, blobs: URL, work: URL) async throws -> NginxProcess {
        try await start(
            site: "deploy/nginx.conf",
            replacing: [
                ("server 127.0.0.1:8080;", "server \(upstream);"),
                ("alias /var/lib/eachvault/blobs/;", "alias \(blobs.path)/;"),
            ], work: work)
    }

    /// `deploy/multi-instance/nginx.conf` in front of `upstreams` (`host:port` each, three).
    static func start(balancing upstreams: [String], work: URL) async throws -> NginxProcess {
        let deployed = (8081...8083).map { "server 127.0.0.1:\($0) " }
        return try await start(
            site: "deploy/multi-instance/nginx.conf",
            replacing: zip(deployed, upstreams).map { ($0, "server \($1) ") }, work: work)
    }

    /// `site` (a path in the repository) with `replacing` and the ports and certificate put in, once it answers
    /// its plain HTTP port itself (a redirect to HTTPS): a probe through to upstreams not started yet would mark
    /// them failed for a while.
    private static func start(site: String, replacing: [(String, String)], work: URL) async throws -> NginxProcess {
        let nginx = try await Blocking.run { try NginxProcess(site: site, replacing: replacing, work: work) }
        try await eventually { (try? await nginx.curl(["-o", "/dev/null", "http://127.0.0.1:\(nginx.httpPort)/"]))?.status == 301 }
        return nginx
    }

    private init(site path: String, replacing siteValues: [(String, String)], work: URL) throws {
        httpPort = try freeLoopbackPort()
        httpsPort = try freeLoopbackPort()
        certificate = work.appending(path: "cert.pem")
        let key = work.appending(path: "key.pem")
        _ = try runChildNow([
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key.path, "-out", certificate.path,
        ])
        var site = try String(contentsOf: Self.repository.appending(path: path), encoding: .utf8)
        for (deployed, tested) in siteValues + [
            ("listen 80;", "listen 127.0.0.1:\(httpPort);"),
            ("listen 443 ssl http2;", "listen 127.0.0.1:\(httpsPort) ssl http2;"),
            ("/etc/letsencrypt/live/vault.example.com/fullchain.pem", certificate.path),
            ("/etc/letsencrypt/live/vault.example.com/privkey.pem", key.path),
        ] {
            let parts = site.components(separatedBy: deployed)
            guard parts.count == 2 else { throw NginxError.configurationDrifted(deployed) }
            site = parts.joined(separator: tested)
        }
        try site.write(to: work.appending(path: "eachvault.conf"), atomically: true, encoding: .utf8)
        // The main configuration Debian's /etc/nginx/nginx.conf would give, minus what needs root.
        try """
        pid \(work.path)/nginx.pid;
        error_log \(work.path)/nginx-error.log;
        events { worker_connections 256; }
        http {
            access_log off;
            default_type application/octet-stream;
            client_body_temp_path \(work.path)/body;
            proxy_temp_path \(work.path)/proxy;
            fastcgi_temp_path \(work.path)/fastcgi;
            uwsgi_temp_path \(work.path)/uwsgi;
            scgi_temp_path \(work.path)/scgi;
            include \(work.path)/eachvault.conf;
        }
        """.write(to: work.appending(path: "nginx.conf"), atomically: true, encoding: .utf8)
        process = try SpawnedProcess(
            ["/usr/sbin/nginx", "-p", work.path, "-c", work.appending(path: "nginx.conf").path, "-g", "daemon off;"])
    }

    deinit { process.stop(SIGTERM) }

    /// `curl` with the test's certificate authority: the status, the response headers (lowercased names) and the body.
    func curl(_ arguments: [String]) async throws -> (status: Int, headers: [String: String], body: Data) {
        let headerFile = FileManager.default.temporaryDirectory.appending(path: "nginx-headers-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: headerFile) }
        let body = try await runChild(
            ["curl", "-s", "--max-time", "30", "--cacert", certificate.path, "-D", headerFile.path] + arguments
        ).output
        let lines = (try? String(contentsOf: headerFile, encoding: .utf8))?.components(separatedBy: "\r\n") ?? []
        let status = lines.first?.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return (status, headers, body)
    }
}

enum NginxError: Error {
    /// `deploy/nginx.conf` no longer holds this deployment value exactly once.
    case configurationDrifted(String)
}
