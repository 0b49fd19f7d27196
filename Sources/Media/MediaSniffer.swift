import Foundation

/// Recognises the media files a request can take as input (images, audio, video) by their first bytes, so an input
/// is stored with its true type whatever the server claimed; an HTML error page served as 200 is recognised as not
/// media at all.
public enum MediaSniffer {
    public struct Sniffed: Sendable, Hashable {
        public var contentType: String
        public var width: Int?
        public var height: Int?
    }

    /// The media type of the file's first bytes, or nil when they are not a known media format.
    public static func sniff(fileAt url: URL) -> Sniffed? {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return nil }
        defer { try? handle.close() }
        guard let head = try? handle.read(upToCount: 64) else { return nil }
        return sniff(head)
    }

    /// The media type of a file's first bytes (64 are enough), or nil when they are not a known media format.
    public static func sniff(_ head: Data) -> Sniffed? {
        let bytes = [UInt8](head)
        func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
            bytes.count >= offset + prefix.count && Array(bytes[offset..<offset + prefix.count]) == prefix
        }
        func bigEndian32(at offset: Int) -> Int? {
            guard bytes.count >= offset + 4 else { return nil }
            return bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
        }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            return Sniffed(contentType: "image/png", width: bigEndian32(at: 16), height: bigEndian32(at: 20))
        }
        if starts([0xFF, 0xD8, 0xFF]) { return Sniffed(contentType: "image/jpeg") }
        if starts(Array("GIF8".utf8)) { return Sniffed(contentType: "image/gif") }
        if starts(Array("RIFF".utf8)) && starts(Array("WEBP".utf8), at: 8) { return Sniffed(contentType: "image/webp") }
        if starts(Array("RIFF".utf8)) && starts(Array("WAVE".utf8), at: 8) { return Sniffed(contentType: "audio/wav") }
        if starts(Array("ID3".utf8)) || starts([0xFF, 0xFB]) || starts([0xFF, 0xF3]) {
            return Sniffed(contentType: "audio/mpeg")
        }
        if starts(Array("OggS".utf8)) { return Sniffed(contentType: "audio/ogg") }
        if starts(Array("fLaC".utf8)) { return Sniffed(contentType: "audio/flac") }
        if starts(Array("ftyp".utf8), at: 4) {
            let brand = bytes.count >= 12 ? String(decoding: bytes[8..<12], as: UTF8.self) : ""
            if brand.hasPrefix("M4A") { return Sniffed(contentType: "audio/mp4") }
            if brand.hasPrefix("qt") { return Sniffed(contentType: "video/quicktime") }
            if brand.hasPrefix("avif") || brand.hasPrefix("heic") { return Sniffed(contentType: "image/" + brand) }
            return Sniffed(contentType: "video/mp4")
        }
        if starts([0x1A, 0x45, 0xDF, 0xA3]) { return Sniffed(contentType: "video/webm") }
        return nil
    }
}

extension MediaSniffer {
    /// Every type `sniff` (and the MP4 probe) can answer, with the file extension it is saved under: the only types
    /// a stored file is ever served as.
    public static let fileExtensions: [String: String] = [
        "image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp", "image/avif": "avif",
        "image/heic": "heic", "audio/wav": "wav", "audio/mpeg": "mp3", "audio/ogg": "ogg", "audio/flac": "flac",
        "audio/mp4": "m4a", "video/mp4": "mp4", "video/quicktime": "mov", "video/webm": "webm",
    ]
}
