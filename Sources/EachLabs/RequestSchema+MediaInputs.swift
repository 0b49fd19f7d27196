/// One media file a request refers to: the field, the index within an array field, and the value.
public struct MediaInputReference: Sendable, Hashable {
    public var field: String
    public var position: Int
    public var value: String
}

extension RequestSchema {
    /// Whether `field` takes media (a file the provider fetches) rather than text. The catalogue names them
    /// `*_url`, `*_urls`, `image_url2`, `image`, `first_frame_image`, `mask_image`, `image_references`, `audio`,
    /// `video`, ...; text fields that merely mention media (`audio_negative_prompt`, `start_video_id`) and non-string
    /// fields (`image_guidance_scale`) are not media.
    public static func isMediaField(_ field: String, type: String?) -> Bool {
        guard type == nil || type == "string" || type == "array" else { return false }
        let words = field.lowercased().split(separator: "_").map { $0.trimmingCharacters(in: .decimalDigits) }
        guard let last = words.last else { return false }
        if words.contains(where: { $0 == "url" || $0 == "urls" }) { return true }
        if last == "references" { return words.contains("image") || words.contains("video") }
        return ["image", "images", "video", "audio", "mask"].contains(last)
    }

    /// The media references in `input` whose value satisfies `accepts` (e.g. an http(s) URL or a data URI), in
    /// field order; array fields give one reference per element.
    public func mediaInputs(in input: [String: JSONValue], where accepts: (String) -> Bool)
        -> [MediaInputReference]
    {
        var references: [MediaInputReference] = []
        for field in input.keys.sorted() where Self.isMediaField(field, type: properties[field]?.type) {
            switch input[field] {
            case .string(let value) where accepts(value):
                references.append(MediaInputReference(field: field, position: 0, value: value))
            case .array(let values):
                for case let (position, .string(value)) in values.enumerated() where accepts(value) {
                    references.append(MediaInputReference(field: field, position: position, value: value))
                }
            default:
                continue
            }
        }
        return references
    }

    /// `input` with the media reference values replaced by `replacement(value)` (unchanged where it answers nil).
    public func replacingMediaInputs(in input: [String: JSONValue], _ replacement: (String) throws -> String?)
        rethrows -> [String: JSONValue]
    {
        var result = input
        for (field, value) in input where Self.isMediaField(field, type: properties[field]?.type) {
            switch value {
            case .string(let text):
                if let new = try replacement(text) { result[field] = .string(new) }
            case .array(let values):
                result[field] = .array(
                    try values.map { element in
                        guard case .string(let text) = element, let new = try replacement(text) else { return element }
                        return .string(new)
                    })
            default:
                continue
            }
        }
        return result
    }
}

extension String {
    /// An absolute http(s) URL (what the provider fetches and EachVault downloads for lineage).
    public var isHTTPURL: Bool {
        let lowered = prefix(8).lowercased()
        return lowered.hasPrefix("http://") || lowered.hasPrefix("https://")
    }
}
