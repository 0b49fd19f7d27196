import Foundation

/// `GET /v1/team`: who the token acts for, and its budgets with what this month and its files used of them.
public struct TeamBudgetStatus: Sendable, Codable, Hashable {
    public var team: String
    /// The calendar month (UTC) the spend is counted in, and when the next begins.
    public var month: Date
    public var monthEnds: Date
    /// Costs reported this month, estimates of generations still running, and what deleted ones cost.
    public var spentUSD: Double
    /// The monthly spend limit, nil for none.
    public var budgetUSD: Double?
    /// The bytes the team's files take (counted at most a minute ago), and the limit, nil for none.
    public var storageBytes: Int64
    public var storageLimitBytes: Int64?

    public init(
        team: String, month: Date, monthEnds: Date, spentUSD: Double, budgetUSD: Double?, storageBytes: Int64,
        storageLimitBytes: Int64?
    ) {
        (self.team, self.month, self.monthEnds, self.spentUSD) = (team, month, monthEnds, spentUSD)
        (self.budgetUSD, self.storageBytes, self.storageLimitBytes) = (budgetUSD, storageBytes, storageLimitBytes)
    }

    /// True while new creates are refused because this month's budget is spent.
    public var budgetSpent: Bool { budgetUSD.map { spentUSD >= $0 } ?? false }
    /// True while the team's files take its storage limit: creates are refused and downloads wait.
    public var storageFull: Bool { storageLimitBytes.map { storageBytes >= $0 } ?? false }

    enum CodingKeys: String, CodingKey {
        case team, month
        case monthEnds = "month_ends"
        case spentUSD = "spent_usd"
        case budgetUSD = "budget_usd"
        case storageBytes = "storage_bytes"
        case storageLimitBytes = "storage_limit_bytes"
        case budgetSpent = "budget_spent"
        case storageFull = "storage_full"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        team = try container.decode(String.self, forKey: .team)
        month = try container.decode(Date.self, forKey: .month)
        monthEnds = try container.decode(Date.self, forKey: .monthEnds)
        spentUSD = try container.decode(Double.self, forKey: .spentUSD)
        budgetUSD = try container.decodeIfPresent(Double.self, forKey: .budgetUSD)
        storageBytes = try container.decode(Int64.self, forKey: .storageBytes)
        storageLimitBytes = try container.decodeIfPresent(Int64.self, forKey: .storageLimitBytes)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(team, forKey: .team)
        try container.encode(month, forKey: .month)
        try container.encode(monthEnds, forKey: .monthEnds)
        try container.encode(spentUSD, forKey: .spentUSD)
        try container.encode(budgetUSD, forKey: .budgetUSD)
        try container.encode(storageBytes, forKey: .storageBytes)
        try container.encode(storageLimitBytes, forKey: .storageLimitBytes)
        try container.encode(budgetSpent, forKey: .budgetSpent)
        try container.encode(storageFull, forKey: .storageFull)
    }
}

/// `GET /admin/teams`.
public struct TeamBudgetList: Sendable, Codable, Hashable {
    public var teams: [TeamBudgetStatus]

    public init(teams: [TeamBudgetStatus]) { self.teams = teams }
}

/// One of the team's tokens (`GET /v1/tokens`): never its secret, which only its maker saw.
public struct TokenView: Sendable, Codable, Equatable {
    public var id: String
    public var name: String?
    public var scopes: [String]
    public var createdAt: Date
    public var lastUsedAt: Date?
    public var revokedAt: Date?
    /// The token itself: in the answer that made it, and never again.
    public var token: String?

    public init(
        id: String, name: String?, scopes: [String], createdAt: Date, lastUsedAt: Date?, revokedAt: Date?,
        token: String? = nil
    ) {
        self.id = id
        self.name = name
        self.scopes = scopes
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.revokedAt = revokedAt
        self.token = token
    }

    enum CodingKeys: String, CodingKey {
        case id, name, scopes, token
        case createdAt = "created_at"
        case lastUsedAt = "last_used_at"
        case revokedAt = "revoked_at"
    }
}

/// `POST /v1/tokens`: a new token of the team.
public struct TokenRequest: Sendable, Codable, Equatable {
    public var name: String?
    public var scopes: [String]?

    public init(name: String? = nil, scopes: [String]? = nil) {
        self.name = name
        self.scopes = scopes
    }
}
