import Foundation

/// What a media field of a request takes, as its name says: the catalogue names fields by what they hold
/// (`image_url`, `end_image_url`, `first_frame_url`, `mask_image`, `audio_url`, `video_urls`).
public enum MediaKind: String, Sendable, CaseIterable {
    case image, video, audio

    /// The kind a media field's name implies, or nil when it says none (the field takes any media).
    public init?(field: String) {
        let words = Set(field.lowercased().split(separator: "_").map { $0.trimmingCharacters(in: .decimalDigits) })
        if words.contains("audio") {
            self = .audio
        } else if words.contains("video") || words.contains("videos") {
            self = .video
        } else if !words.isDisjoint(with: ["image", "images", "frame", "mask", "photo"]) {
            self = .image
        } else {
            return nil
        }
    }

    /// Whether a file of `contentType` (read from its bytes) is of this kind. Audio also comes inside video
    /// containers (MP4, WebM, QuickTime), whose sound the model takes.
    public func accepts(_ contentType: String) -> Bool {
        switch self {
        case .image: contentType.hasPrefix("image/")
        case .video: contentType.hasPrefix("video/")
        case .audio: contentType.hasPrefix("audio/") || contentType.hasPrefix("video/")
        }
    }

    /// How a problem names what the field wanted: "an image".
    public var wanted: String {
        switch self {
        case .image: "an image (PNG, JPEG, WebP, GIF, AVIF or HEIC)"
        case .video: "a video (MP4, QuickTime or WebM)"
        case .audio: "audio (MP3, WAV, OGG, FLAC or M4A, or a video whose sound is used)"
        }
    }
}
