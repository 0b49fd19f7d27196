import Foundation

/// `POST /v1/upload/presign`: where to put a file so the provider can fetch it as an input.
public struct PresignRequest: Sendable, Codable, Hashable {
    public var contentType: String
    public var fileType: String?
    public var expiresInSeconds: Int?

    public init(contentType: String, fileType: String? = nil, expiresInSeconds: Int? = nil) {
        self.contentType = contentType
        self.fileType = fileType ?? Self.fileType(of: contentType)
        self.expiresInSeconds = expiresInSeconds
    }

    /// `image`, `video`, `audio` or `other`, from the media type.
    public static func fileType(of contentType: String) -> String {
        let major = contentType.split(separator: "/").first.map(String.init) ?? ""
        return ["image", "video", "audio"].contains(major) ? major : "other"
    }

    enum CodingKeys: String, CodingKey {
        case contentType = "content_type"
        case fileType = "file_type"
        case expiresInSeconds = "expires_in_seconds"
    }
}

/// The provider's answer to a presign: PUT the bytes to `presignedURL` with `Content-Type` and every header of
/// `requiredHeaders`; the provider then serves them at `publicURL`.
public struct PresignedUpload: Sendable, Codable, Hashable {
    public var id: String
    public var presignedURL: String
    public var publicURL: String
    public var expiresAt: String?
    public var requiredHeaders: [String: String]

    public init(
        id: String, presignedURL: String, publicURL: String, expiresAt: String?,
        requiredHeaders: [String: String]
    ) {
        self.id = id
        self.presignedURL = presignedURL
        self.publicURL = publicURL
        self.expiresAt = expiresAt
        self.requiredHeaders = requiredHeaders
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        presignedURL = try container.decode(String.self, forKey: .presignedURL)
        publicURL = try container.decode(String.self, forKey: .publicURL)
        expiresAt = try container.decodeIfPresent(String.self, forKey: .expiresAt)
        requiredHeaders = try container.decodeIfPresent([String: String].self, forKey: .requiredHeaders) ?? [:]
    }

    enum CodingKeys: String, CodingKey {
        case id
        case presignedURL = "presigned_url"
        case publicURL = "public_url"
        case expiresAt = "expires_at"
        case requiredHeaders = "required_headers"
    }

    /// The provider's limit on one upload.
    public static let maxBytes: Int64 = 100_000_000
}
