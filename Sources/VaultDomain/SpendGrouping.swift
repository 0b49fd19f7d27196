/// How a team's spend is grouped: by model, by UTC day or by tag.
public enum SpendGrouping: String, Sendable, Codable, CaseIterable {
    case model, day, tag
}
