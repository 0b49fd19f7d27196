/// `PATCH /admin/teams/{name}`: a team's limits to set; a key given as null clears that limit, a key left out keeps
/// it.
public struct TeamLimitsRequest: Sendable, Codable {
    /// `.some(nil)`: clear; `nil`: unchanged.
    public var budgetUSD: Double??
    public var storageLimitBytes: Int64??

    public init(budgetUSD: Double??, storageLimitBytes: Int64??) {
        (self.budgetUSD, self.storageLimitBytes) = (budgetUSD, storageLimitBytes)
    }

    enum CodingKeys: String, CodingKey {
        case budgetUSD = "budget_usd"
        case storageLimitBytes = "storage_limit_bytes"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func field<T: Decodable>(_ key: CodingKeys) throws -> T?? {
            guard container.contains(key) else { return nil }
            return .some(try container.decodeNil(forKey: key) ? nil : container.decode(T.self, forKey: key))
        }
        budgetUSD = try field(.budgetUSD)
        storageLimitBytes = try field(.storageLimitBytes)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if let budgetUSD { try container.encode(budgetUSD, forKey: .budgetUSD) }
        if let storageLimitBytes { try container.encode(storageLimitBytes, forKey: .storageLimitBytes) }
    }

    /// What is wrong with the values, by field (none when all are usable).
    public var problems: [(field: String, problem: String)] {
        var problems: [(String, String)] = []
        if case .some(.some(let budget)) = budgetUSD, !(budget.isFinite && (0...1_000_000_000).contains(budget)) {
            problems.append(("budget_usd", "must be a number of US dollars from 0 to 1000000000, or null for none"))
        }
        if case .some(.some(let bytes)) = storageLimitBytes, bytes < 0 {
            problems.append(("storage_limit_bytes", "must be a whole number of bytes from 0, or null for none"))
        }
        return problems
    }
}
