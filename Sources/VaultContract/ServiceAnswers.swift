/// `GET /v1/models`: one model of the provider's catalogue.
public struct ModelSummary: Sendable, Codable {
    public var slug: String
    public var title: String
    public var version: String
    public var category: String?

    public init(slug: String, title: String, version: String, category: String?) {
        self.slug = slug
        self.title = title
        self.version = version
        self.category = category
    }
}

/// A one-word answer: `/healthz` (`ok`), `/readyz` (`ready`, `not ready`), a webhook delivery (`accepted`, ...).
public struct StatusAnswer: Sendable, Codable {
    public var status: String

    public init(_ status: String) { self.status = status }
}
