import Foundation
import GRDB

/// A team: the unit that owns generations and sees only its own.
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

    package init(team: Team, scopes: Set<TokenScope>) {
        self.team = team
        self.scopes = scopes
    }
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
    public func createTeam(name: String, now: Date) async throws -> Team {
        let team = Team(id: Secrets.id(prefix: "team_"), name: name, createdAt: now)
        do {
            try await write { db in try team.insert(db) }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw TeamError.duplicateName(name)
        }
        return team
    }

    public func team(named name: String) async throws -> Team? {
        try await read { db in try Team.filter(Team.Columns.name == name).fetchOne(db) }
    }

    /// Creates a token for the team and returns it: the only time it exists outside the caller's hands.
    public func createToken(teamName: String, label: String?, scopes: Set<TokenScope>, now: Date) async throws
        -> (token: String, info: TokenInfo)
    {
        guard let team = try await team(named: teamName) else { throw TeamError.unknownTeam(teamName) }
        let (token, record) = APIToken.make(teamID: team.id, name: label, scopes: scopes, now: now)
        try await write { db in try record.insert(db) }
        return (token, TokenInfo(record, team: team))
    }

    /// Every token's public facts, by team and age.
    public func tokens() async throws -> [TokenInfo] {
        try await read { db in
            let teams = Dictionary(uniqueKeysWithValues: try Team.fetchAll(db).map { ($0.id, $0) })
            return try APIToken.order(APIToken.Columns.createdAt).fetchAll(db)
                .compactMap { token in teams[token.teamID].map { TokenInfo(token, team: $0) } }
                .sorted { ($0.team, $0.createdAt) < ($1.team, $1.createdAt) }
        }
    }

    public func revokeToken(id: String, now: Date) async throws {
        try await write { db in
            guard var token = try APIToken.fetchOne(db, key: id) else { throw TeamError.unknownToken(id) }
            token.revokedAt = token.revokedAt ?? now
            try token.update(db)
        }
    }

    /// The team a live token acts for and its scopes, or nil (unknown or revoked). Notes the use at most once a
    /// minute.
    ///
    /// Every API request asks, so this uses GRDB's asynchronous access: the task suspends until a reader is free
    /// instead of holding a thread of its own (one hop fewer than `offloaded`).
    public func authenticate(token: String, now: Date) async throws -> TokenGrant? {
        // One join through a statement compiled once per connection.
        let found = try await writer.read { db in
            try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT t.id AS token_id, t.last_used_at, t.scopes, s.id, s.name, s.created_at FROM api_tokens t
                        JOIN teams s ON s.id = t.team_id WHERE t.token_sha256 = ? AND t.revoked_at IS NULL
                        """),
                arguments: [Secrets.digest(token)])
        }
        guard let found else { return nil }
        let lastUsed: Double? = found["last_used_at"]
        if lastUsed.map({ now.unix - $0 > 60 }) ?? true {
            let tokenID: String = found["token_id"]
            try await writer.write { db in
                try db.cachedStatement(sql: "UPDATE api_tokens SET last_used_at = ? WHERE id = ?")
                    .execute(arguments: [now.unix, tokenID])
            }
        }
        return TokenGrant(team: try Team(row: found), scopes: APIToken.scopes(from: found["scopes"]))
    }
}

extension TokenInfo {
    package init(_ token: APIToken, team: Team) {
        self.init(
            id: token.id, team: team.name, name: token.name, scopes: token.scopeSet, createdAt: token.createdAt,
            lastUsedAt: token.lastUsedAt, revokedAt: token.revokedAt)
    }
}
