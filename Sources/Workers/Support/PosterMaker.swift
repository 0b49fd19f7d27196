import Foundation
import Storage
import Transport

#if canImport(Glibc)
    import Glibc
#endif

/// Makes posters and previews with ffmpeg: a poster is a still of a video (one second in, or its first frame when
/// shorter) or a smaller copy of an image, at most 480 pixels wide, as JPEG; a preview is a video's first three
/// seconds, silent, at most 320 pixels wide and 12 frames a second, as H.264 MP4 (about 20 KB). The file is as hostile as any other from outside: ffmpeg is told
/// which demuxer to use (so no playlist, concat script or other format can make it open further files), may read only
/// local files, runs on one thread with nothing on its standard input, and is killed after `timeout`. A picture larger
/// than `maxPixels` is refused before ffmpeg starts (by its sniffed size) and by ffmpeg's decoder (`-max_pixels`);
/// ffmpeg's address space is capped at `memoryLimit` (`prlimit`), and it dies with the service (`setpriv
/// --pdeathsig`), so a `kill -9` of EachVault leaves no ffmpeg behind.
public struct PosterMaker: Sendable {
    /// The ffmpeg executable.
    public let ffmpeg: String
    public var timeout: Duration = .seconds(30)
    public static let width = 480
    public static let previewWidth = 320
    public static let previewSeconds = 3
    /// The largest picture decoded (an 8K frame is 33 million): a 2 MB PNG of 16000 × 16000 once took ffmpeg to
    /// 2 GB and 14 s of CPU.
    public static let maxPixels = 40_000_000
    /// ffmpeg's address space, libraries included.
    public static let memoryLimit = 1_536 << 20

    /// Refuses a source whose sniffed size is over `maxPixels` (unknown sizes are left to `-max_pixels`).
    public static func checkSize(width: Int?, height: Int?) throws(PosterFailure) {
        guard let width, let height else { return }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        if overflow || pixels > maxPixels {
            throw PosterFailure("the picture is \(width) × \(height), more than \(maxPixels) pixels")
        }
    }

    /// What runs ffmpeg: `setpriv` (util-linux) so it dies with this process, `prlimit` to cap its memory; each
    /// left out where missing.
    public static let launcher: [String] = {
        var prefix: [String] = []
        if access("/usr/bin/setpriv", X_OK) == 0 { prefix += ["/usr/bin/setpriv", "--pdeathsig", "KILL", "--"] }
        if access("/usr/bin/prlimit", X_OK) == 0 { prefix += ["/usr/bin/prlimit", "--as=\(memoryLimit)", "--"] }
        return prefix
    }()

    public init(ffmpeg: String) { self.ffmpeg = ffmpeg }

    /// ffmpeg from `EACHVAULT_FFMPEG` (a path, or `off`), else the first on `PATH`; nil when there is none.
    public static func find(environment: [String: String]) -> PosterMaker? {
        if let configured = environment["EACHVAULT_FFMPEG"], !configured.isEmpty {
            return configured == "off" || access(configured, X_OK) != 0 ? nil : PosterMaker(ffmpeg: configured)
        }
        for folder in (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(folder)/ffmpeg"
            if access(candidate, X_OK) == 0 { return PosterMaker(ffmpeg: candidate) }
        }
        return nil
    }

    /// The demuxer for a content type EachVault stores, or nil for types it makes no poster of.
    static func demuxer(for contentType: String) -> String? {
        switch contentType {
        case "video/mp4", "video/quicktime": "mov"
        case "video/webm": "matroska"
        case "image/png": "png_pipe"
        case "image/jpeg": "jpeg_pipe"
        case "image/webp": "webp_pipe"
        case "image/gif": "gif"
        default: nil
        }
    }

    /// Writes the file of `kind` made of `source` (of `contentType`) to `output`.
    public func make(_ kind: DerivedKind, from source: URL, contentType: String, into output: URL)
        async throws(PosterFailure)
    {
        guard let demuxer = Self.demuxer(for: contentType) else { throw PosterFailure("no \(kind) for \(contentType)") }
        let isVideo = contentType.hasPrefix("video/")
        guard kind == .poster || isVideo else { throw PosterFailure("no preview for \(contentType)") }
        // A poster one second in shows what the video is about better than its first frame; a shorter one has none
        // there. A preview starts at the start.
        for seek in kind == .poster && isVideo ? ["1", "0"] : [nil] {
            try? FileManager.default.removeItem(at: output)
            let arguments =
                Self.launcher + [ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error", "-threads", "1"]
                + (seek.map { ["-ss", $0] } ?? [])
                + ["-max_pixels", "\(Self.maxPixels)"]
                + ["-protocol_whitelist", "file", "-f", demuxer, "-i", source.path, "-an", "-sn", "-dn", "-threads", "1"]
                + (kind == .poster
                    ? ["-frames:v", "1", "-vf", "scale='min(\(Self.width),iw)':-2", "-q:v", "5", "-f", "image2", "-c:v", "mjpeg"]
                    : [
                        "-t", "\(Self.previewSeconds)", "-vf", "scale='min(\(Self.previewWidth),iw)':-2,fps=12",
                        "-c:v", "libx264", "-preset", "veryfast", "-crf", "30", "-pix_fmt", "yuv420p",
                        "-movflags", "+faststart", "-f", "mp4",
                    ])
                + ["-y", output.path]
            let status = try await Self.run(arguments, timeout: timeout)
            let size = (try? FileManager.default.attributesOfItem(atPath: output.path)[.size] as? Int) ?? 0
            if status == 0 && size > 0 { return }
            if status != 0 && seek != "1" {
                throw PosterFailure("ffmpeg could not read the file (exit status \(status))")
            }
        }
        throw PosterFailure("ffmpeg found no frame in the file")
    }

    /// Runs `arguments` (no shell), its output discarded, on a thread of its own; its exit status, or a failure when
    /// it did not end within `timeout` (it is killed then).
    static func run(_ arguments: [String], timeout: Duration) async throws(PosterFailure) -> Int32 {
        do {
            return try await Blocking.run { () throws(PosterFailure) -> Int32 in
                var actions = posix_spawn_file_actions_t()
                posix_spawn_file_actions_init(&actions)
                defer { posix_spawn_file_actions_destroy(&actions) }
                for descriptor: Int32 in [0, 1, 2] {
                    posix_spawn_file_actions_addopen(
                        &actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0)
                }
                let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
                defer { argv.forEach { free($0) } }
                let variables: [String] = ["PATH=/usr/bin:/bin", "LC_ALL=C"]
                let environment: [UnsafeMutablePointer<CChar>?] = variables.map { strdup($0) } + [nil]
                defer { environment.forEach { free($0) } }
                var pid: pid_t = 0
                let spawned = posix_spawn(&pid, arguments[0], &actions, nil, argv, environment)
                guard spawned == 0 else { throw PosterFailure("cannot start ffmpeg: \(String(cString: strerror(spawned)))") }
                let deadline = ContinuousClock.now + timeout
                var status: Int32 = 0
                while true {
                    let waited = waitpid(pid, &status, WNOHANG)
                    if waited == pid { break }
                    if waited < 0 && errno != EINTR { throw PosterFailure("lost ffmpeg: \(String(cString: strerror(errno)))") }
                    if ContinuousClock.now > deadline {
                        kill(pid, SIGKILL)
                        _ = waitpid(pid, &status, 0)
                        throw PosterFailure("ffmpeg took longer than \(timeout)")
                    }
                    usleep(20_000)
                }
                // Exited normally: its status; killed by a signal: 128 and the signal, as shells say.
                return status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            }
        } catch let failure as PosterFailure {
            throw failure
        } catch {
            throw PosterFailure("\(error)")
        }
    }
}
