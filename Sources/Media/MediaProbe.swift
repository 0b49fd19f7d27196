import Foundation

/// What a stored video is, read from its ISO BMFF (MP4/QuickTime) boxes.
public struct MediaInfo: Sendable, Hashable {
    public var contentType: String
    public var majorBrand: String
    public var durationS: Double?
    public var width: Int?
    public var height: Int?
    public var videoCodec: String?
    public var hasAudio: Bool
}

/// Why a file is not an acceptable video.
public enum MediaProbeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not an ISO BMFF file at all (an HTML error page, JSON, random bytes).
    case notMP4(String)
    /// A box runs past the end of the file.
    case truncated(String)
    case malformed(String)
    case noVideoTrack
    case unreadable(String)

    public var description: String {
        switch self {
        case .notMP4(let detail): "not an MP4 video: \(detail)"
        case .truncated(let detail): "truncated MP4: \(detail)"
        case .malformed(let detail): "malformed MP4: \(detail)"
        case .noVideoTrack: "the MP4 has no video track"
        case .unreadable(let detail): "cannot read the file: \(detail)"
        }
    }
}

/// Reads MP4 metadata from disk without loading the media data: only box headers and the `moov` box are read.
public enum MediaProbe {
    static let maxMovieBoxBytes: UInt64 = 64 << 20

    public static func inspect(fileAt url: URL) throws(MediaProbeError) -> MediaInfo {
        try probing {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            return try inspect(BoxReader(handle: handle), fileSize: try handle.seekToEnd())
        }
    }

    /// The same reading over bytes already in memory (the first bytes of a file, or a fuzzer's input).
    public static func inspect(data: Data) throws(MediaProbeError) -> MediaInfo {
        try probing { try inspect(BoxReader(data: data), fileSize: UInt64(data.count)) }
    }

    /// Runs a probe, reporting any failure that is not the probe's own verdict as unreadable.
    private static func probing(_ probe: () throws -> MediaInfo) throws(MediaProbeError) -> MediaInfo {
        do {
            return try probe()
        } catch let error as MediaProbeError {
            throw error
        } catch {
            throw .unreadable(String(describing: error))
        }
    }

    private static func inspect(_ reader: BoxReader, fileSize: UInt64) throws -> MediaInfo {
        var offset: UInt64 = 0
        var brand: String?
        var movie: Data?
        var sawMediaData = false
        while offset < fileSize {
            let header = try reader.header(at: offset, fileSize: fileSize)
            if offset == 0 && header.type != "ftyp" {
                throw MediaProbeError.notMP4("the file does not start with an ftyp box")
            }
            guard header.size <= fileSize - offset else {  // `offset < fileSize`: no overflow either way
                throw MediaProbeError.truncated("the \(header.type) box needs \(header.size) bytes, \(fileSize - offset) remain")
            }
            switch header.type {
            case "ftyp":
                brand = String(decoding: try reader.read(at: offset + header.headerSize, count: 4), as: UTF8.self)
            case "moov":
                guard header.size <= maxMovieBoxBytes else { throw MediaProbeError.malformed("moov box too large") }
                movie = try reader.read(at: offset + header.headerSize, count: Int(header.size - header.headerSize))
            case "mdat":
                sawMediaData = true
            default:
                break
            }
            offset += header.size
        }
        guard let brand else { throw MediaProbeError.notMP4("no ftyp box") }
        guard let movie else { throw MediaProbeError.truncated("no moov box (movie header)") }
        guard sawMediaData else { throw MediaProbeError.truncated("no mdat box (media data)") }
        var info = try MovieBox(movie).info
        info.majorBrand = brand
        info.contentType = brand == "qt  " ? "video/quicktime" : "video/mp4"
        return info
    }
}

/// Reads box headers and payloads at given offsets, from a file or from memory.
private struct BoxReader {
    /// Up to `count` bytes at `offset` (fewer at the end).
    let bytes: (_ offset: UInt64, _ count: Int) throws -> Data

    init(handle: FileHandle) {
        bytes = { offset, count in
            try handle.seek(toOffset: offset)
            return try handle.read(upToCount: count) ?? Data()
        }
    }

    init(data: Data) {
        bytes = { offset, count in
            guard offset < UInt64(data.count) else { return Data() }
            let start = data.startIndex + Int(offset)
            return data.subdata(in: start..<(start + min(count, data.endIndex - start)))
        }
    }

    struct Header {
        var type: String
        var size: UInt64
        var headerSize: UInt64
    }

    func read(at offset: UInt64, count: Int) throws -> Data {
        let data = try bytes(offset, count)
        guard data.count == count else { throw MediaProbeError.truncated("expected \(count) bytes at \(offset)") }
        return data
    }

    func header(at offset: UInt64, fileSize: UInt64) throws -> Header {
        guard fileSize - offset >= 8 else { throw MediaProbeError.truncated("a box header is cut off at \(offset)") }
        let bytes = try read(at: offset, count: 8)
        let type = try boxType(bytes, at: 4)
        var size = UInt64(bytes.bigEndianUInt32(at: 0))
        var headerSize: UInt64 = 8
        if size == 1 {
            size = try read(at: offset + 8, count: 8).bigEndianUInt64(at: 0)
            headerSize = 16
        } else if size == 0 {
            size = fileSize - offset
        }
        guard size >= headerSize else { throw MediaProbeError.malformed("box \(type) has an impossible size \(size)") }
        return Header(type: type, size: size, headerSize: headerSize)
    }
}

/// Parses the `moov` box payload (held in memory: it is small) for duration, tracks, resolution and codecs.
private struct MovieBox {
    var info = MediaInfo(
        contentType: "video/mp4", majorBrand: "", durationS: nil, width: nil, height: nil,
        videoCodec: nil, hasAudio: false)

    init(_ payload: Data) throws {
        var sawVideo = false
        for (type, box) in try children(of: payload) {
            switch type {
            case "mvhd":
                info.durationS = try movieDuration(box)
            case "trak":
                let track = try Track(box)
                if track.handler == "vide" && !sawVideo {
                    sawVideo = true
                    info.width = track.width
                    info.height = track.height
                    info.videoCodec = track.codec
                }
                if track.handler == "soun" { info.hasAudio = true }
            default:
                break
            }
        }
        guard sawVideo else { throw MediaProbeError.noVideoTrack }
    }

    private func movieDuration(_ box: Data) throws -> Double? {
        let version = try box.byte(at: 0)
        let timescale = version == 1 ? try box.checkedUInt32(at: 20) : try box.checkedUInt32(at: 12)
        let duration = version == 1 ? try box.checkedUInt64(at: 24) : UInt64(try box.checkedUInt32(at: 16))
        guard timescale > 0 else { return nil }
        return Double(duration) / Double(timescale)
    }
}

private struct Track {
    var handler: String?
    var width: Int?
    var height: Int?
    var codec: String?

    init(_ payload: Data) throws {
        for (type, box) in try children(of: payload) {
            switch type {
            case "tkhd":
                guard box.count >= 8 else { throw MediaProbeError.malformed("short tkhd") }
                // Width and height close the box, as 16.16 fixed point.
                width = Int(try box.checkedUInt32(at: box.count - 8) >> 16)
                height = Int(try box.checkedUInt32(at: box.count - 4) >> 16)
            case "mdia":
                for (mediaType, media) in try children(of: box) {
                    if mediaType == "hdlr" { handler = try boxType(media, at: 8) }
                    if mediaType == "minf" { codec = try sampleEntryCodec(media) }
                }
            default:
                break
            }
        }
    }

    /// The four-character code of the first sample description (avc1, hvc1, mp4a, ...).
    private func sampleEntryCodec(_ mediaInformation: Data) throws -> String? {
        guard let table = try children(of: mediaInformation).first(where: { $0.0 == "stbl" })?.1,
            let descriptions = try children(of: table).first(where: { $0.0 == "stsd" })?.1,
            descriptions.count >= 16
        else { return nil }
        return try boxType(descriptions, at: 12)
    }
}

/// The child boxes of a container payload, as (type, payload) pairs.
private func children(of payload: Data) throws -> [(String, Data)] {
    var result: [(String, Data)] = []
    var offset = 0
    let base = payload.startIndex
    while offset + 8 <= payload.count {
        var size = Int(try payload.checkedUInt32(at: offset))
        let type = try boxType(payload, at: offset + 4)
        var headerSize = 8
        if size == 1 {
            size = Int(clamping: try payload.checkedUInt64(at: offset + 8))
            headerSize = 16
        } else if size == 0 {
            size = payload.count - offset
        }
        guard size >= headerSize, size <= payload.count - offset else {  // sizes come from the file: never add them
            throw MediaProbeError.truncated("the \(type) box runs past its parent")
        }
        result.append((type, payload.subdata(in: (base + offset + headerSize)..<(base + offset + size))))
        offset += size
    }
    return result
}

private func boxType(_ data: Data, at offset: Int) throws -> String {
    guard offset + 4 <= data.count else { throw MediaProbeError.truncated("box type cut off") }
    let bytes = data[(data.startIndex + offset)..<(data.startIndex + offset + 4)]
    guard bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) else {
        throw MediaProbeError.notMP4("box type is not printable ASCII")
    }
    return String(decoding: bytes, as: UTF8.self)
}

extension Data {
    fileprivate func byte(at offset: Int) throws -> UInt8 {
        guard offset < count else { throw MediaProbeError.truncated("a field is cut off") }
        return self[startIndex + offset]
    }

    fileprivate func bigEndianUInt32(at offset: Int) -> UInt32 {
        (0..<4).reduce(0) { $0 << 8 | UInt32(self[startIndex + offset + $1]) }
    }

    fileprivate func bigEndianUInt64(at offset: Int) -> UInt64 {
        (0..<8).reduce(0) { $0 << 8 | UInt64(self[startIndex + offset + $1]) }
    }

    fileprivate func checkedUInt32(at offset: Int) throws -> UInt32 {
        guard offset >= 0, offset + 4 <= count else { throw MediaProbeError.truncated("a field is cut off") }
        return bigEndianUInt32(at: offset)
    }

    fileprivate func checkedUInt64(at offset: Int) throws -> UInt64 {
        guard offset >= 0, offset + 8 <= count else { throw MediaProbeError.truncated("a field is cut off") }
        return bigEndianUInt64(at: offset)
    }
}
