import Foundation

/// `POST /v1/uploads`: the stored file and how to use it as an input.
public struct UploadedFile: Sendable, Codable {
    public var sha256: String
    public var size: Int64
    public var contentType: String
    /// What to put in a media input to use the file: `sha256:<hex>`.
    public var reference: String
    public var url: String

    public init(sha256: String, size: Int64, contentType: String, reference: String, url: String) {
        self.sha256 = sha256
        self.size = size
        self.contentType = contentType
        self.reference = reference
        self.url = url
    }

    enum CodingKeys: String, CodingKey {
        case sha256, size, reference, url
        case contentType = "content_type"
    }
}

/// `POST /v1/generations/{id}/share`: how long the link lives (default a week).
public struct ShareRequest: Sendable, Codable {
    public var expiresInS: Double?

    public init(expiresInS: Double? = nil) { self.expiresInS = expiresInS }

    enum CodingKeys: String, CodingKey {
        case expiresInS = "expires_in_s"
    }
}

/// A created share link: the token is in the URL, shown once.
public struct CreatedShare: Sendable, Codable {
    public var id: String
    public var url: String
    public var expiresAt: Date

    public init(id: String, url: String, expiresAt: Date) {
        self.id = id
        self.url = url
        self.expiresAt = expiresAt
    }

    enum CodingKeys: String, CodingKey {
        case id, url
        case expiresAt = "expires_at"
    }
}

/// One of a generation's share links (`GET /v1/generations/{id}/shares`). Its URL is not kept (only its token's
/// hash is), so a lost link is revoked and made again.
public struct ShareView: Sendable, Codable, Equatable {
    public var id: String
    public var createdAt: Date
    public var expiresAt: Date
    public var revokedAt: Date?
    /// `active`, `expired` or `revoked`.
    public var state: String

    public init(id: String, createdAt: Date, expiresAt: Date, revokedAt: Date?, state: String) {
        self.id = id
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.state = state
    }

    enum CodingKeys: String, CodingKey {
        case id, state
        case createdAt = "created_at"
        case expiresAt = "expires_at"
        case revokedAt = "revoked_at"
    }
}
