/// Where a generation is in its life, as the API and the archive name it.
public enum GenerationStatus: String, Sendable, Codable, CaseIterable {
    case pending, submitted, processing, downloading, completed, failed, cancelled

    public var isFinal: Bool { self == .completed || self == .failed || self == .cancelled }
}
