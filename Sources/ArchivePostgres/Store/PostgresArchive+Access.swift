import Archive
import Foundation
import GRDB

extension PostgresArchive: AccessStore {
    public func createTeam(name: String, now: Date) async throws -> Team {
        let team = Team(id: Secrets.id(prefix: "team_"), name: name, createdAt: now)
        do {
            try await sql.insert(team)
        } catch let failure as PostgresFailure where failure.isUniqueViolation {
            throw TeamError.duplicateName(name)
        }
        return team
    }

    public func team(named name: String) async throws -> Team? {
        try await sql.fetchOne(Team.self, "SELECT * FROM teams WHERE name = ?", [name])
    }

    public func createToken(teamName: String, label: String?, scopes: Set<TokenScope>, now: Date) async throws
        -> (token: String, info: TokenInfo)
    {
        guard let team = try await team(named: teamName) else { throw TeamError.unknownTeam(teamName) }
        let (token, record) = APIToken.make(teamID: team.id, name: label, scopes: scopes, now: now)
        try await sql.insert(record)
        return (token, TokenInfo(record, team: team))
    }

    public func tokens() async throws -> [TokenInfo] {
        let teams = Dictionary(
            uniqueKeysWithValues: try await sql.fetchAll(Team.self, "SELECT * FROM teams").map { ($0.id, $0) })
        return try await sql.fetchAll(APIToken.self, "SELECT * FROM api_tokens")
            .compactMap { token in teams[token.teamID].map { TokenInfo(token, team: $0) } }
            .sorted { ($0.team, $0.createdAt) < ($1.team, $1.createdAt) }
    }

    public func revokeToken(id: String, now: Date) async throws {
        let found = try await sql.value(
            String.self, "UPDATE api_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE id = ? RETURNING id",
            [now.unix, id])
        if found == nil { throw TeamError.unknownToken(id) }
    }

    public func authenticate(token: String, now: Date) async throws -> TokenGrant? {
        guard
            let found = try await sql.row(
                """
                SELECT t.id AS token_id, t.last_used_at, t.scopes, s.id, s.name, s.created_at FROM api_tokens t
                JOIN teams s ON s.id = t.team_id WHERE t.token_sha256 = ? AND t.revoked_at IS NULL
                """, [Secrets.digest(token)])
        else { return nil }
        let lastUsed: Double? = found["last_used_at"]
        if lastUsed.map({ now.unix - $0 > 60 }) ?? true {
            try await sql.execute(
                "UPDATE api_tokens SET last_used_at = ? WHERE id = ?", [now.unix, found["token_id"] as String])
        }
        return TokenGrant(team: try Team(row: found), scopes: APIToken.scopes(from: found["scopes"]))
    }

    public func createSession(token: String, lifetime: TimeInterval, now: Date) async throws -> String? {
        let session = Secrets.make(prefix: "")
        let created = try await sql.value(
            String.self,
            """
            INSERT INTO sessions (session_sha256, token_id, created_at, expires_at)
            SELECT ?, id, ?, ? FROM api_tokens WHERE token_sha256 = ? AND revoked_at IS NULL RETURNING token_id
            """, [Secrets.digest(session), now.unix, now.addingTimeInterval(lifetime).unix, Secrets.digest(token)])
        return created == nil ? nil : session
    }

    public func team(session: String, now: Date) async throws -> Team? {
        try await sql.fetchOne(
            Team.self,
            """
            SELECT t.* FROM sessions s JOIN api_tokens k ON k.id = s.token_id JOIN teams t ON t.id = k.team_id
            WHERE s.session_sha256 = ? AND s.expires_at > ? AND k.revoked_at IS NULL
            """, [Secrets.digest(session), now.unix])
    }

    public func endSession(_ session: String) async throws {
        try await sql.execute("DELETE FROM sessions WHERE session_sha256 = ?", [Secrets.digest(session)])
    }
}
