import Foundation
import Media
import Storage

extension Asset {
    /// The type of a file whose bytes are no recognised media: served only as a download.
    public static let opaqueContentType = "application/octet-stream"

    /// True when the stored type is media this archive recognised from the bytes (rows written before types were
    /// only ever sniffed may hold a declared type, which is never served as such).
    public var isRecognisedMedia: Bool { MediaSniffer.fileExtensions[contentType] != nil }

    /// What a complete file is: an MP4 probed for duration, size, codecs and audio; or, unless `videoOnly`, any
    /// media type its first bytes show (images with their size where the header gives it). Throws the probe's
    /// error when the file is neither.
    public static func describing(fileAt url: URL, sha256: String, size: Int64, videoOnly: Bool, storedAt: Date)
        throws(MediaProbeError) -> Asset
    {
        do {
            let media = try MediaProbe.inspect(fileAt: url)
            return Asset(
                sha256: sha256, size: size, contentType: media.contentType,
                durationS: media.durationS, width: media.width, height: media.height,
                videoCodec: media.videoCodec, hasAudio: media.hasAudio, storedAt: storedAt)
        } catch {
            guard !videoOnly, let sniffed = MediaSniffer.sniff(fileAt: url) else { throw error }
            return Asset(
                sha256: sha256, size: size, contentType: sniffed.contentType, durationS: nil,
                width: sniffed.width, height: sniffed.height, videoCodec: nil, hasAudio: nil,
                storedAt: storedAt)
        }
    }
}
