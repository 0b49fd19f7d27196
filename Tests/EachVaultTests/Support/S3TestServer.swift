import Foundation
import ObjectStorage
import Testing
import Transport

/// A real S3-compatible server on loopback for one test: moto's standalone server (PyPI `moto[server]`) with its
/// IAM checks on, so every request must carry a valid SigV4 signature of a user moto knows. The first three actions
/// (create the user, its key, its policy) are let through unsigned to bootstrap; then a bucket is made with the key.
final class S3TestServer: @unchecked Sendable {
    let port: Int
    let credentials: AWSCredentials
    let bucket = "vault-test"
    private let process: SpawnedProcess

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

    private init(port: Int, credentials: AWSCredentials, process: SpawnedProcess) {
        self.port = port
        self.credentials = credentials
        self.process = process
    }

    /// - Parameter checksSignatures: false starts moto without IAM (any credentials pass), so that presigned URLs,
    ///   which moto cannot check with IAM on, can be followed.
    /// - Parameter partMinimum: the smallest part a multipart upload may have (S3's own: 5 MiB).
    static func start(checksSignatures: Bool = true, partMinimum: Int = 5 << 20) async throws -> S3TestServer {
        let port = try freeLoopbackPort()
        var environment = ProcessInfo.processInfo.environment
        if checksSignatures { environment["INITIAL_NO_AUTH_ACTION_COUNT"] = "3" }
        environment["S3_UPLOAD_PART_MIN_SIZE"] = String(partMinimum)
        let process = try SpawnedProcess(
            ["/usr/bin/env", "moto_server", "-H", "127.0.0.1", "-p", String(port)], environment: environment)
        let deadline = ContinuousClock.now + .seconds(30)
        while (try? await URLStatus.get("http://127.0.0.1:\(port)/moto-api/")) == nil {
            guard ContinuousClock.now < deadline else { throw S3TestServerError.didNotStart }
            try await Task.sleep(for: .milliseconds(100))
        }
        let bootstrap = try await runChild(["python3", "-c", Self.bootstrapScript, String(port), checksSignatures ? "iam" : "open"])
        let (status, text) = (bootstrap.status, String(decoding: bootstrap.output, as: UTF8.self))
        let words = text.split(separator: " ")
        guard status == 0, words.count == 2 else { throw S3TestServerError.didNotStart }
        return S3TestServer(
            port: port,
            credentials: AWSCredentials(
                accessKeyID: String(words[0]), secretAccessKey: String(words[1]).trimmingCharacters(in: .whitespacesAndNewlines)),
            process: process)
    }

    deinit {
        process.stop(SIGKILL)  // the Python server does not always stop on SIGTERM
    }

    private static let bootstrapScript = """
        import boto3, json, sys
        endpoint = f"http://127.0.0.1:{sys.argv[1]}"
        if sys.argv[2] == "open":
            boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="open",
                         aws_secret_access_key="open-secret").create_bucket(Bucket="vault-test")
            print("open", "open-secret")
            sys.exit(0)
        iam = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1",
                           aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap")
        iam.create_user(UserName="vault")
        key = iam.create_access_key(UserName="vault")["AccessKey"]
        iam.put_user_policy(UserName="vault", PolicyName="s3", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
        boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=key["AccessKeyId"],
                     aws_secret_access_key=key["SecretAccessKey"]).create_bucket(Bucket="vault-test")
        print(key["AccessKeyId"], key["SecretAccessKey"])
        """
}

enum S3TestServerError: Error { case didNotStart }
