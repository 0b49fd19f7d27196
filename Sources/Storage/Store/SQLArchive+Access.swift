import Foundation

/// Teams, their tokens and gallery sessions.
extension SQLArchive {
    public func createTeam(name: String, now: Date) async throws -> Team {
        let team = Team(id: Secrets.id(prefix: "team_"), name: name, createdAt: now)
        return try await writing { db in
            guard try db.value(String.self, "SELECT id FROM teams WHERE name = \(name)") == nil else {
                throw TeamError.duplicateName(name)
            }
            try db.insert(team)
            return team
        }
    }

    public func team(named name: String) async throws -> Team? {
        try await reading { db in try db.fetchOne(Team.self, "SELECT * FROM teams WHERE name = \(name)") }
    }

    public func createToken(teamName: String, label: String?, scopes: Set<TokenScope>, now: Date) async throws
        -> (token: String, info: TokenInfo)
    {
        try await writing { db in
            guard let team = try db.fetchOne(Team.self, "SELECT * FROM teams WHERE name = \(teamName)") else {
                throw TeamError.unknownTeam(teamName)
            }
            let (token, record) = APIToken.make(teamID: team.id, name: label, scopes: scopes, now: now)
            try db.insert(record)
            return (token, TokenInfo(record, team: team))
        }
    }

    /// Every token's public facts, by team and age.
    public func tokens(teamID: String?) async throws -> [TokenInfo] {
        try await reading { db in
            let (teamFilter, tokenFilter): (SQLText, SQLText) = teamID.map { ("WHERE id = \($0)", "WHERE team_id = \($0)") } ?? ("", "")
            let teams = Dictionary(
                uniqueKeysWithValues: try db.fetchAll(Team.self, "SELECT * FROM teams \(teamFilter)").map { ($0.id, $0) })
            return try db.fetchAll(APIToken.self, "SELECT * FROM api_tokens \(tokenFilter) ORDER BY created_at")
                .compactMap { token in teams[token.teamID].map { TokenInfo(token, team: $0) } }
                .sorted { ($0.team, $0.createdAt) < ($1.team, $1.createdAt) }
        }
    }

    public func revokeToken(id: String, now: Date) async throws {
        try await writing { db in
            try db.execute("UPDATE api_tokens SET revoked_at = coalesce(revoked_at, \(now.unix)) WHERE id = \(id)")
            if db.changedRows == 0 { throw TeamError.unknownToken(id) }
        }
    }

    /// The team a live token acts for and its scopes, or nil (unknown or revoked). Notes the use at most once a
    /// minute.
    public func authenticate(token: String, now: Date) async throws -> TokenGrant? {
        let found = try await reading { db -> (grant: TokenGrant, tokenID: String, lastUsed: Double?)? in
            guard
                let row = try db.row(
                    """
                    SELECT t.id AS token_id, t.last_used_at, t.scopes, s.id, s.name, s.created_at FROM api_tokens t
                    JOIN teams s ON s.id = t.team_id WHERE t.token_sha256 = \(Secrets.digest(token)) AND t.revoked_at IS NULL
                    """)
            else { return nil }
            return try (
                TokenGrant(team: Team(row: row), scopes: APIToken.scopes(from: row["scopes"])), row["token_id"],
                row["last_used_at"]
            )
        }
        guard let found else { return nil }
        if found.lastUsed.map({ now.unix - $0 > 60 }) ?? true {
            try await writing { db in
                try db.execute("UPDATE api_tokens SET last_used_at = \(now.unix) WHERE id = \(found.tokenID)")
            }
        }
        return found.grant
    }

    /// Signs in with a team token: returns a new session value for the cookie, or nil for a bad token.
    public func createSession(token: String, lifetime: TimeInterval, now: Date) async throws -> String? {
        let session = Secrets.make(prefix: "")
        return try await writing { db in
            try db.execute(
                """
                INSERT INTO sessions (session_sha256, token_id, created_at, expires_at)
                SELECT \(Secrets.digest(session)), id, \(now), \(now.addingTimeInterval(lifetime)) FROM api_tokens
                WHERE token_sha256 = \(Secrets.digest(token)) AND revoked_at IS NULL
                """)
            return db.changedRows == 1 ? session : nil
        }
    }

    /// The team and scopes of a live session whose token is still valid (revoking the token ends its sessions too).
    public func grant(session: String, now: Date) async throws -> TokenGrant? {
        try await reading { db in
            guard
                let row = try db.row(
                    """
                    SELECT k.scopes, t.id, t.name, t.created_at FROM sessions s JOIN api_tokens k ON k.id = s.token_id
                    JOIN teams t ON t.id = k.team_id
                    WHERE s.session_sha256 = \(Secrets.digest(session)) AND s.expires_at > \(now.unix) AND k.revoked_at IS NULL
                    """)
            else { return nil }
            return try TokenGrant(team: Team(row: row), scopes: APIToken.scopes(from: row["scopes"]))
        }
    }

    public func endSession(_ session: String) async throws {
        try await writing { db in
            try db.execute("DELETE FROM sessions WHERE session_sha256 = \(Secrets.digest(session))")
        }
    }
}
