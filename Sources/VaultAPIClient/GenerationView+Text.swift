import Foundation
import VaultContract

extension GenerationView {
    /// One table row: model, status, sha256 (short), size, duration, resolution, URL.
    public var tableRow: [String] {
        let asset = assets.first
        return [
            model, status.rawValue, asset.map { String($0.sha256.prefix(12)) } ?? "-",
            asset.map { Self.byteCount($0.size) } ?? "-",
            asset?.durationS.map { String(format: "%.1fs", $0) } ?? "-",
            asset.flatMap { asset in asset.width.map { "\($0)x\(asset.height ?? 0)" } } ?? "-",
            asset?.url ?? (error.map { "\($0.code): \($0.message)" } ?? "-"),
        ]
    }

    public static let tableHeader = ["MODEL", "STATUS", "SHA256", "SIZE", "DURATION", "RESOLUTION", "URL"]

    static func byteCount(_ bytes: Int64) -> String {
        ByteCountFormatter.string(fromByteCount: bytes, countStyle: .file)
    }

    /// A readable multi-line description for `eachvault show`.
    public var details: String {
        var lines = [
            "id:          \(id)",
            "model:       \(model) (version \(version))",
            "status:      \(status.rawValue)",
            "prompt:      \(prompt ?? "-")",
            "prediction:  \(predictionID ?? "-")",
            "cost:        \(costUSD.map { String(format: "$%.2f", $0) } ?? "unknown")",
            "created:     \(createdAt)",
            "completed:   \(completedAt.map { "\($0)" } ?? "-")",
            "tags:        \(tags.isEmpty ? "-" : tags.joined(separator: ", "))",
        ]
        if let note { lines.append("note:        \(note)") }
        if origin != "submitted" { lines.append("origin:      \(origin)") }
        if let error { lines.append("error:       \(error.code): \(error.message)") }
        if let uncertain = createUncertain {
            lines.append("uncertain:   since \(uncertain.since): \(uncertain.message) (eachvault resend \(id))")
        }
        for asset in assets {
            lines.append("asset:       \(asset.sha256)")
            lines.append(
                "             \(Self.byteCount(asset.size)), \(asset.contentType), "
                    + "\(asset.durationS.map { String(format: "%.2f s", $0) } ?? "? s"), "
                    + "\(asset.width ?? 0)x\(asset.height ?? 0), \(asset.videoCodec ?? "?")"
                    + ((asset.hasAudio ?? false) ? " with audio" : ""))
            lines.append("             \(asset.url)")
        }
        for input in inputs {
            lines.append("input:       \(input.field)\(input.position > 0 ? "[\(input.position)]" : "") \(input.sourceURL)")
            lines.append(
                "             "
                    + (input.sha256.map {
                        "stored: \($0) (\(input.contentType ?? "?"), "
                            + "\(Self.byteCount(input.size ?? 0)))"
                    } ?? "not stored: \(input.error ?? "downloading")"))
        }
        if let history, !history.isEmpty {
            lines.append("history:")
            for event in history {
                lines.append("  \(event.at)  \(event.kind)\(event.detail.map { ": \($0)" } ?? "")")
            }
        }
        return lines.joined(separator: "\n")
    }
}
