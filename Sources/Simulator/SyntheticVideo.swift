import Crypto
import EachLabs
import Foundation
import NIOCore

/// A real, playable MP4 whose bytes are a pure function of (model, canonical input): one of three small clips
/// (made once with ffmpeg and embedded) followed by a `free` box carrying the request's SHA-256 and padding to the
/// requested size. Bytes are produced on demand for any range, so a 1 GB output costs no memory.
struct SyntheticVideo: Sendable {
    let clip: [UInt8]
    let digest: [UInt8]
    let size: Int64

    private static let clips: [String: [UInt8]] = {
        var clips: [String: [UInt8]] = [:]
        for name in ["clip-landscape.mp4", "clip-portrait.mp4", "clip-square.mp4"] {
            guard let data = EmbeddedFiles.data(named: name) else { fatalError("embedded \(name) missing") }
            clips[name] = Array(data)
        }
        return clips
    }()

    /// - Parameter effectiveInput: the input with schema defaults applied (the aspect ratio picks the clip).
    init(model: String, effectiveInput: [String: JSONValue], targetSize: Int64?) {
        let aspect = effectiveInput["aspect_ratio"]?.stringValue ?? "16:9"
        let name =
            switch aspect {
            case "9:16", "3:4", "2:3": "clip-portrait.mp4"
            case "1:1": "clip-square.mp4"
            default: "clip-landscape.mp4"
            }
        clip = Self.clips[name]!
        let request = model + "\n" + ((try? JSONValue.canonicalJSON(effectiveInput)) ?? "")
        digest = Array(SHA256.hash(data: Data(request.utf8)))
        let minimum = Int64(clip.count + 8 + digest.count)
        size = min(max(minimum, targetSize ?? minimum), Int64(clip.count) + Int64(UInt32.max))
    }

    /// The bytes at `range` (within `0..<size`): clip, then the `free` box header, then the digest repeated.
    func bytes(_ range: ClosedRange<Int64>) -> ByteBuffer {
        let clipEnd = Int64(clip.count)
        let headerEnd = clipEnd + 8
        let header = Self.bigEndian(UInt32(size - clipEnd)) + Array("free".utf8)
        let end = range.upperBound + 1
        var offset = range.lowerBound
        var buffer = ByteBuffer()
        buffer.reserveCapacity(range.count)
        if offset < clipEnd {
            let upTo = min(end, clipEnd)
            buffer.writeBytes(clip[Int(offset)..<Int(upTo)])
            offset = upTo
        }
        if offset < min(end, headerEnd) {
            let upTo = min(end, headerEnd)
            buffer.writeBytes(header[Int(offset - clipEnd)..<Int(upTo - clipEnd)])
            offset = upTo
        }
        while offset < end {
            let phase = Int((offset - headerEnd) % Int64(digest.count))
            let run = Int(min(Int64(digest.count - phase), end - offset))
            buffer.writeBytes(digest[phase..<(phase + run)])
            offset += Int64(run)
        }
        return buffer
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
    }
}
