extension ProviderModel {
    /// The kinds of video model teams filter by. The provider labels models only text-to-video or image-to-video (and
    /// its answers may carry no label at all); the finer kinds are read off the slug, title and request schema.
    public enum Kind: String, Sendable, CaseIterable {
        case textToVideo = "text-to-video"
        case imageToVideo = "image-to-video"
        /// From a first frame to a last frame.
        case transition
        /// A character image driven by a reference video's motion.
        case motionControl = "motion-control"
        /// Talking heads, avatars and lip-sync: an image (or character) driven by audio.
        case avatar
    }

    /// This model's kind: transition, motion control and avatar/lip-sync by name or by the media its schema takes
    /// (image + audio drives a face; image + video drives a body), otherwise the provider's label, otherwise
    /// image-to-video when it takes an image.
    public var kind: Kind {
        let name = (slug + " " + title).lowercased()
        let media = requestSchema.properties.keys.filter { RequestSchema.isMediaField($0, type: requestSchema.properties[$0]?.type) }
            .map { $0.lowercased() }
        let takesAudio = media.contains { $0.contains("audio") }
        let takesVideo = media.contains { $0.contains("video") }
        let takesImage = media.contains { $0.contains("image") || $0.contains("frame") }
        if name.contains("transition") { return .transition }
        if ["avatar", "lip-sync", "lipsync", "talking", "omnihuman"].contains(where: name.contains) || (takesAudio && takesImage) {
            return .avatar
        }
        if name.contains("motion-control") || name.contains("motion control") || name.contains("act-two")
            || (takesVideo && takesImage)
        {
            return .motionControl
        }
        if let label = category.flatMap(Kind.init(rawValue:)) { return label }
        if name.contains("image-to-video") || name.contains("image to video") || takesImage { return .imageToVideo }
        return .textToVideo
    }
}
