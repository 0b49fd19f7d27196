import Blobs
import Foundation
import HTTPSupport
import Logging
import Workers

/// The service's settings, read from the environment (flags may override each field).
public struct VaultConfiguration: Sendable {
    /// `EACHLABS_API_KEY`. A secret: never logged, never part of an error or a description.
    public var apiKey: String
    /// `EACHLABS_BASE_URL`.
    public var providerBaseURL: String
    /// `EACHVAULT_HOME`: database, blobs and temp files.
    public var home: URL
    /// `EACHVAULT_LISTEN`, `host:port`.
    public var listenHost: String
    public var listenPort: Int
    /// `EACHVAULT_PUBLIC_URL`: how clients (and, later, the provider's webhooks) reach this service.
    public var publicURL: String?
    /// `EACHVAULT_PROVIDER_RPS`: the most provider API calls per second, all workers together.
    public var providerRequestsPerSecond: Double
    /// `EACHVAULT_SHARE_MAX_DAYS`: the longest a share link may live (default 30 days; 7 when not asked).
    public var shareMaxLifetime: TimeInterval = 30 * 86400
    /// `EACHVAULT_METRICS_TOKEN`: `GET /metrics` answers only with `Authorization: Bearer <this>`; unset, it is off
    /// (the figures describe every team's traffic, which no team token may read).
    public var metricsToken: String?
    /// The bearer token of the operator's HTTP routes (`/admin`); nil turns them off.
    public var operatorToken: String?
    /// `EACHVAULT_IDLE_TIMEOUT_S`: how long a client connection may send nothing (half a request head included).
    public var idleTimeout: Duration = RunningServer.defaultIdleTimeout
    /// `EACHVAULT_LOG_LEVEL`: `info` logs a line per request; `notice` keeps warnings, refusals and errors only.
    public var logLevel: Logger.Level = .info
    /// `EACHVAULT_WORKER_PROFILE`: `default` (real videos take minutes) or `quick` (a simulator's take seconds);
    /// `EACHVAULT_PRIVATE_INPUT_URLS=allow` lets input downloads reach non-public addresses (a local simulator).
    public var workerSettings = WorkerSettings()
    /// `EACHVAULT_BLOB_STORE` (see `blobStore`); nil: `blobs/` under the data home.
    var blobStoreOverride: BlobStoreLocation?
    /// `EACHVAULT_ACCEL_REDIRECT`: the internal location (`/.../`) of a reverse proxy in front that serves the blob
    /// folder; file answers then hand the bytes to it (`X-Accel-Redirect`, `deploy/nginx.conf`).
    public var accelRedirect: String?
    /// `EACHVAULT_S3_SERVE`, `EACHVAULT_S3_URL_TTL_S`, `EACHVAULT_S3_PART_MB`.
    public var objectStore = ObjectStoreSettings()
    /// `EACHVAULT_FFMPEG`: the ffmpeg that makes posters (a path, or `off`); default the first on `PATH`. Without
    /// one the gallery shows placeholders and `/readyz` says why.
    public var posterMaker = PosterMaker.find(environment: ProcessInfo.processInfo.environment)

    public init(
        apiKey: String = "", providerBaseURL: String = "https://api.eachlabs.ai",
        home: URL = URL(fileURLWithPath: "storage"), listenHost: String = "127.0.0.1", listenPort: Int = 8080,
        publicURL: String? = nil, providerRequestsPerSecond: Double = 5
    ) {
        self.apiKey = apiKey
        self.providerBaseURL = providerBaseURL
        self.home = home
        self.listenHost = listenHost
        self.listenPort = listenPort
        self.publicURL = publicURL
        self.providerRequestsPerSecond = providerRequestsPerSecond
    }

    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(ConfigurationError) -> VaultConfiguration
    {
        var configuration = VaultConfiguration()
        configuration.apiKey = environment["EACHLABS_API_KEY"] ?? ""
        if let url = environment["EACHLABS_BASE_URL"], !url.isEmpty { configuration.providerBaseURL = url }
        if let home = environment["EACHVAULT_HOME"], !home.isEmpty { configuration.home = URL(fileURLWithPath: home) }
        if let listen = environment["EACHVAULT_LISTEN"], !listen.isEmpty { try configuration.setListen(listen) }
        if let publicURL = environment["EACHVAULT_PUBLIC_URL"], !publicURL.isEmpty {
            configuration.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        }
        if let rate = environment["EACHVAULT_PROVIDER_RPS"] {
            guard let value = Double(rate), value > 0 else {
                throw .invalid("EACHVAULT_PROVIDER_RPS must be a positive number, not '\(rate)'")
            }
            configuration.providerRequestsPerSecond = value
        }
        if let days = environment["EACHVAULT_SHARE_MAX_DAYS"] {
            guard let value = Double(days), value > 0 else {
                throw .invalid("EACHVAULT_SHARE_MAX_DAYS must be a positive number, not '\(days)'")
            }
            configuration.shareMaxLifetime = value * 86400
        }
        if let token = environment["EACHVAULT_METRICS_TOKEN"], !token.isEmpty { configuration.metricsToken = token }
        if let token = environment["EACHVAULT_OPERATOR_TOKEN"], !token.isEmpty { configuration.operatorToken = token }
        if let url = environment["EACHVAULT_DATABASE_URL"], !url.isEmpty { configuration.databaseURL = url }
        if let instance = environment["EACHVAULT_INSTANCE"], !instance.isEmpty { configuration.instanceID = instance }
        configuration.posterMaker = PosterMaker.find(environment: environment)
        if let idle = environment["EACHVAULT_IDLE_TIMEOUT_S"] {
            guard let value = Double(idle), value >= 1, value <= 3600 else {
                throw .invalid("EACHVAULT_IDLE_TIMEOUT_S must be seconds from 1 to 3600, not '\(idle)'")
            }
            configuration.idleTimeout = .milliseconds(Int64(value * 1000))
        }
        if let level = environment["EACHVAULT_LOG_LEVEL"], !level.isEmpty {
            guard let value = Logger.Level(rawValue: level) else {
                throw .invalid(
                    "EACHVAULT_LOG_LEVEL must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")), not '\(level)'")
            }
            configuration.logLevel = value
        }
        switch environment["EACHVAULT_WORKER_PROFILE"] ?? "default" {
        case "default", "": break
        case "quick": configuration.workerSettings = .quick
        case let other: throw .invalid("EACHVAULT_WORKER_PROFILE must be default or quick, not '\(other)'")
        }
        if let scrub = environment["EACHVAULT_SCRUB_PER_HOUR"], !scrub.isEmpty {
            guard let value = Int(scrub), (0...360_000).contains(value) else {
                throw .invalid("EACHVAULT_SCRUB_PER_HOUR must be a whole number of blobs from 0 to 360000, not '\(scrub)'")
            }
            configuration.workerSettings.scrubPerHour = value
        }
        if let policy = environment["EACHVAULT_UNCERTAIN_CREATES"], !policy.isEmpty {
            guard let value = UncertainCreatePolicy(rawValue: policy) else {
                throw .invalid("EACHVAULT_UNCERTAIN_CREATES must be resend or wait, not '\(policy)'")
            }
            configuration.workerSettings.uncertainCreates = value
        }
        if let minimum = environment["EACHVAULT_MIN_FREE_MB"], !minimum.isEmpty {
            guard let value = Int64(minimum), (0...16_000_000).contains(value) else {
                throw .invalid("EACHVAULT_MIN_FREE_MB must be a whole number of megabytes from 0 to 16000000, not '\(minimum)'")
            }
            configuration.workerSettings.minFreeBytes = value << 20
        }
        switch environment["EACHVAULT_PRIVATE_INPUT_URLS"] ?? "deny" {
        case "deny", "": break
        case "allow": configuration.workerSettings.inputsFromPublicAddressesOnly = false
        case let other: throw .invalid("EACHVAULT_PRIVATE_INPUT_URLS must be deny or allow, not '\(other)'")
        }
        switch environment["EACHVAULT_CHECK_INPUT_URLS"] ?? "on" {
        case "on", "": break
        case "off": configuration.workerSettings.checkInputURLs = false
        case let other: throw .invalid("EACHVAULT_CHECK_INPUT_URLS must be on or off, not '\(other)'")
        }
        if let store = environment["EACHVAULT_BLOB_STORE"], !store.isEmpty {
            configuration.blobStore = try BlobStoreLocation(parsing: store, environment: environment)
        }
        configuration.objectStore = try ObjectStoreSettings(environment: environment)
        if let accel = environment["EACHVAULT_ACCEL_REDIRECT"], !accel.isEmpty {
            guard accel.hasPrefix("/"), accel.hasSuffix("/"), accel.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
                throw .invalid("EACHVAULT_ACCEL_REDIRECT must be an internal location like /_eachvault_blobs/, not '\(accel)'")
            }
            configuration.accelRedirect = accel
        }
        return configuration
    }

    /// Parses `host:port` (IPv6 hosts in brackets).
    public mutating func setListen(_ value: String) throws(ConfigurationError) {
        guard let colon = value.lastIndex(of: ":"), let port = Int(value[value.index(after: colon)...]),
            (0...65535).contains(port)
        else { throw .invalid("listen address must be host:port, not '\(value)'") }
        listenHost = String(value[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        listenPort = port
    }

    public var databasePath: String { home.appending(path: "eachvault.sqlite").path }
    /// PostgreSQL (`postgres://…`, from `EACHVAULT_DATABASE_URL`) instead of the data home's SQLite file.
    public var databaseURL: String?
    /// This instance among several on one PostgreSQL database (`EACHVAULT_INSTANCE`): the owner of the work it
    /// claims, the same across its restarts. Default: the host name and the data home.
    public var instanceID: String {
        get { explicitInstanceID ?? "\(ProcessInfo.processInfo.hostName):\(home.standardizedFileURL.path)" }
        set { explicitInstanceID = newValue }
    }
    private var explicitInstanceID: String?
}

public enum ConfigurationError: Error, CustomStringConvertible {
    case invalid(String)

    public var description: String {
        switch self {
        case .invalid(let message): message
        }
    }
}
