import Foundation
import GRDB

/// A team: the unit that owns generations and sees only its own.
public struct Team: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
}

/// What a token may do beyond its team's ordinary API.
public enum TokenScope: String, Sendable, Hashable, CaseIterable, Codable {
    /// Archive predictions made outside EachVault (`POST /v1/imports`). With one shared provider key nothing proves
    /// which team made a prediction, so an operator grants this to the tokens that may claim them.
    case `import`
}

/// A live token: the team it acts for and its scopes.
public struct TokenGrant: Sendable, Hashable {
    public var team: Team
    public var scopes: Set<TokenScope>
}

/// An API token's public facts (never the token).
public struct TokenInfo: Sendable, Hashable, Codable {
    public var id: String
    public var team: String
    public var name: String?
    public var scopes: Set<TokenScope> = []
    public var createdAt: Date
    public var lastUsedAt: Date?
    public var revokedAt: Date?
}

public enum TeamError: Error, CustomStringConvertible {
    case duplicateName(String)
    case unknownTeam(String)
    case unknownToken(String)

    public var description: String {
        switch self {
        case .duplicateName(let name): "a team named '\(name)' exists already"
        case .unknownTeam(let name): "no team named '\(name)'"
        case .unknownToken(let id): "no token with id '\(id)'"
        }
    }
}

extension AppDatabase {
    public func createTeam(name: String, now: Date) throws -> Team {
        let team = Team(id: Secrets.id(prefix: "team_"), name: name)
        do {
            try writer.write { db in
                try db.execute(
                    sql: "INSERT INTO teams (id, name, created_at) VALUES (?, ?, ?)",
                    arguments: [team.id, name, now.unix])
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw TeamError.duplicateName(name)
        }
        return team
    }

    public func team(named name: String) throws -> Team? {
        try writer.read { db in
            try Row.fetchOne(db, sql: "SELECT id, name FROM teams WHERE name = ?", arguments: [name])
                .map { Team(id: $0["id"], name: $0["name"]) }
        }
    }

    /// Creates a token for the team and returns it: the only time it exists outside the caller's hands.
    public func createToken(teamName: String, label: String?, scopes: Set<TokenScope> = [], now: Date) throws
        -> (token: String, info: TokenInfo)
    {
        guard let team = try team(named: teamName) else { throw TeamError.unknownTeam(teamName) }
        let token = Secrets.make(prefix: "evt_")
        let id = Secrets.id(prefix: "tok_")
        try writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO api_tokens (id, team_id, name, token_sha256, created_at, scopes)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [id, team.id, label, Secrets.digest(token), now.unix, Self.scopesText(scopes)])
        }
        return (token, TokenInfo(id: id, team: team.name, name: label, scopes: scopes, createdAt: now))
    }

    static func scopesText(_ scopes: Set<TokenScope>) -> String { scopes.map(\.rawValue).sorted().joined(separator: " ") }

    static func scopes(_ text: String?) -> Set<TokenScope> {
        Set((text ?? "").split(separator: " ").compactMap { TokenScope(rawValue: String($0)) })
    }

    public func tokens() throws -> [TokenInfo] {
        try writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT t.id, s.name AS team, t.name, t.scopes, t.created_at, t.last_used_at, t.revoked_at
                    FROM api_tokens t JOIN teams s ON s.id = t.team_id ORDER BY s.name, t.created_at
                    """
            ).map { row in
                TokenInfo(
                    id: row["id"], team: row["team"], name: row["name"], scopes: Self.scopes(row["scopes"]),
                    createdAt: Date(timeIntervalSince1970: row["created_at"]),
                    lastUsedAt: (row["last_used_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
                    revokedAt: (row["revoked_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
            }
        }
    }

    public func revokeToken(id: String, now: Date) throws {
        try writer.write { db in
            try db.execute(
                sql: "UPDATE api_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?",
                arguments: [now.unix, id])
            if db.changesCount == 0 { throw TeamError.unknownToken(id) }
        }
    }

    /// The team a live token acts for and its scopes, or nil (unknown or revoked). Notes the use at most once a
    /// minute.
    public func authenticate(token: String, now: Date) throws -> TokenGrant? {
        let digest = Secrets.digest(token)
        let found = try writer.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT t.id AS token_id, t.last_used_at, t.scopes, s.id, s.name FROM api_tokens t
                    JOIN teams s ON s.id = t.team_id WHERE t.token_sha256 = ? AND t.revoked_at IS NULL
                    """,
                arguments: [digest])
        }
        guard let found else { return nil }
        let lastUsed: Double? = found["last_used_at"]
        if lastUsed.map({ now.unix - $0 > 60 }) ?? true {
            try writer.write { db in
                try db.execute(
                    sql: "UPDATE api_tokens SET last_used_at = ? WHERE id = ?",
                    arguments: [now.unix, found["token_id"] as String])
            }
        }
        return TokenGrant(team: Team(id: found["id"], name: found["name"]), scopes: Self.scopes(found["scopes"]))
    }
}
