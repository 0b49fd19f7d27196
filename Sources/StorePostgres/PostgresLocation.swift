import Foundation
import PostgresNIO

/// Where the PostgreSQL database is: `EACHVAULT_DATABASE_URL`, `postgres://user:password@host:port/database`
/// (also `postgresql://`), with `?sslmode=disable` (the default on loopback), `require` or `verify-full`, and
/// `pool_size=N`, the most connections one instance opens (default 20: the server's `max_connections` must cover
/// every instance's pool). The password never appears in `description`, logs or errors.
public struct PostgresLocation: Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var username: String
    var password: String?
    public var database: String
    public var tls: TLSMode
    /// The most connections this instance's pool opens.
    public var poolSize = 20

    public enum TLSMode: String, Sendable {
        case disable, require
        case verifyFull = "verify-full"
    }

    /// Why a database URL was refused (never echoing the URL, which may hold a password).
    public struct InvalidURL: Error, CustomStringConvertible {
        public var description: String
    }

    public init(url text: String) throws {
        guard let components = URLComponents(string: text), ["postgres", "postgresql"].contains(components.scheme ?? "")
        else { throw InvalidURL(description: "the database URL must look like postgres://user:password@host:5432/database") }
        guard let host = components.host, !host.isEmpty else {
            throw InvalidURL(description: "the database URL names no host")
        }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else {
            throw InvalidURL(description: "the database URL names no database (postgres://…/NAME)")
        }
        guard let user = components.user, !user.isEmpty else {
            throw InvalidURL(description: "the database URL names no user (postgres://USER@…)")
        }
        let port = components.port ?? 5432
        guard (1...65_535).contains(port) else { throw InvalidURL(description: "the database URL's port is out of range") }
        let mode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "disable"
        guard let tls = TLSMode(rawValue: mode == "prefer" || mode == "allow" ? "disable" : mode) else {
            throw InvalidURL(description: "sslmode must be disable, require or verify-full")
        }
        self.host = host
        self.port = port
        self.username = user
        self.password = components.password
        self.database = database
        self.tls = tls
        if let size = components.queryItems?.first(where: { $0.name == "pool_size" })?.value {
            guard let value = Int(size), (1...500).contains(value) else {
                throw InvalidURL(description: "pool_size must be a whole number from 1 to 500")
            }
            poolSize = value
        }
    }

    public var description: String { "postgres://\(username)@\(host):\(port)/\(database)" }

    /// postgres-nio's configuration of one connection to this location.
    var connectionConfiguration: PostgresConnection.Configuration {
        get throws {
            let tlsMode: PostgresConnection.Configuration.TLS =
                switch tls {
                case .disable: .disable
                case .require, .verifyFull: .require(try NIOSSLContext(configuration: tlsConfiguration))
                }
            return PostgresConnection.Configuration(
                host: host, port: port, username: username, password: password, database: database, tls: tlsMode)
        }
    }

    private var tlsConfiguration: TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if tls == .require { configuration.certificateVerification = .none }
        return configuration
    }

    /// postgres-nio's client configuration for this location.
    var clientConfiguration: PostgresClient.Configuration {
        get throws {
            var configuration = PostgresClient.Configuration(
                host: host, port: port, username: username, password: password, database: database,
                tls: tls == .disable ? .disable : .require(tlsConfiguration))
            configuration.options.maximumConnections = poolSize
            return configuration
        }
    }
}
