import Foundation

/// The CLI's logins, one per server, kept in `$XDG_CONFIG_HOME/eachvault/config.toml` (mode 0600) by
/// `eachvault login`: which server is current, and each server's token and team. Written and read as a small
/// subset of TOML (a `current` key, then one `[servers."URL"]` table per server with string values).
public struct ClientConfig: Sendable, Equatable {
    public struct Login: Sendable, Equatable {
        public var token: String
        public var team: String?

        public init(token: String, team: String?) {
            self.token = token
            self.team = team
        }
    }

    /// The server commands talk to when neither `--server` nor `EACHVAULT_URL` names one.
    public var current: String?
    public var servers: [String: Login] = [:]

    public init(current: String? = nil, servers: [String: Login] = [:]) {
        self.current = current
        self.servers = servers
    }

    /// `$XDG_CONFIG_HOME/eachvault/config.toml`, or `~/.config/eachvault/config.toml`.
    public static func defaultLocation(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        let base =
            environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: environment["HOME"] ?? NSHomeDirectory()).appending(path: ".config")
        return base.appending(path: "eachvault/config.toml")
    }

    /// The file's logins; an absent file is no logins.
    public static func load(from file: URL) throws -> ClientConfig {
        guard FileManager.default.fileExists(atPath: file.path) else { return ClientConfig() }
        let text: String
        do { text = try String(contentsOf: file, encoding: .utf8) } catch {
            throw ClientConfigError(file: file, line: 0, problem: "cannot be read (\(error.localizedDescription))")
        }
        return try parse(text, file: file)
    }

    /// Writes the logins where only this user can read them (the file holds tokens).
    public func save(to file: URL) throws {
        let folder = file.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let temporary = folder.appending(path: ".config.toml.\(getpid())")
        guard FileManager.default.createFile(atPath: temporary.path, contents: Data(rendered.utf8), attributes: [.posixPermissions: 0o600])
        else { throw ClientConfigError(file: file, line: 0, problem: "cannot be written in \(folder.path)") }
        _ = rename(temporary.path, file.path)
    }

    /// The file's text.
    public var rendered: String {
        var lines = ["# eachvault's logins, one table per server (written by `eachvault login`; holds tokens: keep it 0600)"]
        if let current { lines.append("current = \(Self.quoted(current))") }
        for server in servers.keys.sorted() {
            guard let login = servers[server] else { continue }
            lines += ["", "[servers.\(Self.quoted(server))]", "token = \(Self.quoted(login.token))"]
            if let team = login.team { lines.append("team = \(Self.quoted(team))") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func parse(_ text: String, file: URL) throws -> ClientConfig {
        var config = ClientConfig()
        var section: String?  // the server of the table being read; nil at the top level
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            let fail = { (problem: String) in ClientConfigError(file: file, line: index + 1, problem: problem) }
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("[") {
                guard line.hasPrefix("[servers."), line.hasSuffix("]"),
                    let server = Self.unquoted(Substring(line.dropFirst(9).dropLast()))
                else { throw fail("a table must be [servers.\"URL\"]") }
                section = server
                continue
            }
            guard let equals = line.firstIndex(of: "="),
                let value = Self.unquoted(line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)[...])
            else { throw fail("expected key = \"value\"") }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            switch (section, key) {
            case (nil, "current"): config.current = value
            case (let server?, "token"): config.servers[server, default: Login(token: "", team: nil)].token = value
            case (let server?, "team"): config.servers[server, default: Login(token: "", team: nil)].team = value
            default: throw fail("unknown key \(key)")
            }
        }
        return config
    }

    /// A TOML basic string.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: out += String(format: "\\u%04X", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// The text of a TOML basic string (`"..."`, with the escapes `quoted` writes), or nil.
    static func unquoted(_ text: Substring) -> String? {
        var scalars = text.unicodeScalars[...]
        guard scalars.popFirst() == "\"", scalars.popLast() == "\"" else { return nil }
        var out = String.UnicodeScalarView()
        while let scalar = scalars.popFirst() {
            if scalar == "\"" { return nil }
            guard scalar == "\\" else {
                out.append(scalar)
                continue
            }
            switch scalars.popFirst() {
            case "\"": out.append("\"")
            case "\\": out.append("\\")
            case "n": out.append("\n")
            case "t": out.append("\t")
            case "u":
                let digits = String(String.UnicodeScalarView(scalars.prefix(4)))
                guard digits.count == 4, let value = UInt32(digits, radix: 16), let decoded = Unicode.Scalar(value)
                else { return nil }
                scalars = scalars.dropFirst(4)
                out.append(decoded)
            default: return nil
            }
        }
        return String(out)
    }
}

/// The config file could not be used: where and why.
public struct ClientConfigError: Error, CustomStringConvertible {
    public var file: URL
    public var line: Int
    public var problem: String

    public var description: String {
        line > 0 ? "\(file.path), line \(line): \(problem)" : "\(file.path) \(problem)"
    }
}
