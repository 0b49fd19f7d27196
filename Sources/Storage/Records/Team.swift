import Foundation

/// A row of `teams`: who owns generations, files and tokens.
public struct Team: SQLRecord, Hashable {
    public static let tableName = "teams"

    /// The columns queries filter and order by.
    public enum Columns {
        public static let id = "id"
        public static let name = "name"
    }

    public var id: String
    public var name: String
    public var createdAt: Date
    /// The team's monthly spend limit in US dollars (calendar months in UTC), nil for none.
    public var budgetUSD: Double?
    /// The most bytes the team's files may take, nil for no limit.
    public var storageLimitBytes: Int64?

    public init(id: String, name: String, createdAt: Date) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
    }
}
