import Foundation

/// A row of `generation_events`: one step in a generation's history.
public struct GenerationEvent: SQLRecord, Hashable {
    public static let tableName = "generation_events"

    /// The columns queries filter and order by.
    public enum Columns {
        public static let id = "id"
        public static let generationID = "generation_id"
    }

    public var id: Int64?
    public var generationID: String
    public var at: Date
    public var kind: String
    public var detail: String?

    public init(generationID: String, at: Date, kind: String, detail: String?) {
        self.generationID = generationID
        self.at = at
        self.kind = kind
        self.detail = detail
    }
}
