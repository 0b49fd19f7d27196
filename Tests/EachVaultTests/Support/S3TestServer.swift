import Foundation
import ObjectStorage
import Synchronization
import TestSupport
import Testing
import Transport

/// A real S3-compatible server on loopback: moto's standalone server (PyPI `moto[server]`), and a bucket of the
/// test's own in it. One server per kind runs for the whole test process (started by the first test that asks,
/// killed when the process exits): a Python server per test, each importing moto, kept two busy cores from starting
/// any of them in time. The checking kind has IAM on, so every request must carry a valid SigV4 signature of a user
/// moto knows (the first three actions, which make the user, its key and its policy, are let through unsigned);
/// the open kind lets any credentials through, so that presigned URLs, which moto cannot check with IAM on, can be
/// followed.
final class S3TestServer: Sendable {
    let port: Int
    let credentials: AWSCredentials
    let bucket: String

    var endpoint: URL { URL(string: "http://127.0.0.1:\(port)")! }

    /// The environment an `s3://` blob store reads (path style: moto has no bucket host names on loopback).
    var environment: [String: String] {
        [
            "AWS_ENDPOINT_URL_S3": endpoint.absoluteString, "AWS_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": credentials.accessKeyID, "AWS_SECRET_ACCESS_KEY": credentials.secretAccessKey,
            "EACHVAULT_S3_PATH_STYLE": "true",
        ]
    }

    /// - Parameter port: where the store is reached, when not at its own port (a `FaultProxy` in front of it).
    func location(prefix: String = "", port: Int? = nil) throws -> S3Location {
        var environment = environment
        if let port { environment["AWS_ENDPOINT_URL_S3"] = "http://127.0.0.1:\(port)" }
        return try S3Location(url: "s3://\(bucket)/\(prefix)", environment: environment)
    }

    private init(port: Int, credentials: AWSCredentials, bucket: String) {
        self.port = port
        self.credentials = credentials
        self.bucket = bucket
    }

    /// A new empty bucket on the process's server of the kind asked for.
    /// - Parameter checksSignatures: false: the open server (any credentials pass).
    static func start(checksSignatures: Bool = true) async throws -> S3TestServer {
        let server = try await (checksSignatures ? checking : open).value
        let bucket = "vault-\(UUID().uuidString.prefix(8).lowercased())"
        let made = try await runChild([
            "python3", "-c", makeBucketScript, String(server.port), server.credentials.accessKeyID,
            server.credentials.secretAccessKey, bucket,
        ])
        guard made.status == 0 else {
            throw S3TestServerError.didNotStart("bucket: \(made.errors)")
        }
        return S3TestServer(port: server.port, credentials: server.credentials, bucket: bucket)
    }

    private static let checking = Task { try await MotoServer.launch(checksSignatures: true) }
    private static let open = Task { try await MotoServer.launch(checksSignatures: false) }

    private static let makeBucketScript = """
        import boto3, sys
        port, key, secret, bucket = sys.argv[1:5]
        boto3.client("s3", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1", aws_access_key_id=key,
                     aws_secret_access_key=secret).create_bucket(Bucket=bucket)
        """
}

/// One moto server process and the credentials that pass its checks.
private struct MotoServer: Sendable {
    let port: Int
    let credentials: AWSCredentials

    static func launch(checksSignatures: Bool) async throws -> MotoServer {
        let port = try freeLoopbackPort()
        var environment = ProcessInfo.processInfo.environment
        if checksSignatures { environment["INITIAL_NO_AUTH_ACTION_COUNT"] = "3" }
        environment["S3_UPLOAD_PART_MIN_SIZE"] = String(5 << 20)  // S3's own smallest part
        let process = try SpawnedProcess(
            ["/usr/bin/env", "moto_server", "-H", "127.0.0.1", "-p", String(port)], environment: environment)
        let first = running.withLock { pids in
            pids.append(process.pid)
            return pids.count == 1
        }
        if first { atexit { MotoServer.running.withLock { $0.forEach { kill($0, SIGKILL) } } } }
        // Generous: moto imports for seconds on an idle core, and tests run on busy ones.
        let deadline = ContinuousClock.now + .seconds(120)
        while (try? await URLStatus.get("http://127.0.0.1:\(port)/moto-api/")) == nil {
            guard ContinuousClock.now < deadline else { throw S3TestServerError.didNotStart("no answer within 120 s") }
            try await Task.sleep(for: .milliseconds(100))
        }
        guard checksSignatures else {
            return MotoServer(port: port, credentials: AWSCredentials(accessKeyID: "open", secretAccessKey: "open-secret"))
        }
        let bootstrap = try await runChild(["python3", "-c", makeUserScript, String(port)])
        let words = String(decoding: bootstrap.output, as: UTF8.self).split(whereSeparator: \.isWhitespace)
        guard bootstrap.status == 0, words.count == 2 else {
            throw S3TestServerError.didNotStart("user: \(bootstrap.errors)")
        }
        return MotoServer(port: port, credentials: AWSCredentials(accessKeyID: String(words[0]), secretAccessKey: String(words[1])))
    }

    /// Process ids of the servers started, killed when the test process exits (the Python server does not always
    /// stop on SIGTERM).
    static let running = Mutex<[pid_t]>([])

    private static let makeUserScript = """
        import boto3, json, sys
        iam = boto3.client("iam", endpoint_url=f"http://127.0.0.1:{sys.argv[1]}", region_name="us-east-1",
                           aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap")
        iam.create_user(UserName="vault")
        key = iam.create_access_key(UserName="vault")["AccessKey"]
        iam.put_user_policy(UserName="vault", PolicyName="s3", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
        print(key["AccessKeyId"], key["SecretAccessKey"])
        """
}

enum S3TestServerError: Error { case didNotStart(String) }
