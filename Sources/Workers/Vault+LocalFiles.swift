import Archive
import Crypto
import EachLabs
import Foundation
import Transport

/// A file sent inline with a request as a `data:<type>;base64,<bytes>` URI (the API's base64 form; the CLI's
/// `--input image_url=@./photo.jpg` sends one).
struct InlineFile {
    var contentType: String
    var bytes: Data

    static let prefix = "data:"

    /// Parses a base64 data URI; nil when `text` is not one.
    init?(dataURI text: String) {
        guard text.hasPrefix(Self.prefix), let comma = text.firstIndex(of: ",") else { return nil }
        let header = text[text.index(text.startIndex, offsetBy: Self.prefix.count)..<comma]
        let parameters = header.split(separator: ";").map(String.init)
        guard parameters.last == "base64",
              let bytes = Data(base64Encoded: String(text[text.index(after: comma)...]), options: .ignoreUnknownCharacters)
        else { return nil }
        contentType = parameters.count > 1 ? parameters[0].lowercased() : "application/octet-stream"
        self.bytes = bytes
    }
}

/// Input values after local files were put where the provider can fetch them.
struct ResolvedInput {
    var input: [String: JSONValue]
    /// The stored file behind each URL that stands for a local file: lineage known without a download.
    var storedFiles: [String: String]
}

extension Vault {
    /// Replaces every inline file among the media inputs by a URL the provider can fetch. Each file is stored
    /// (content-addressed) and sent through the provider's presigned upload flow, unless the provider already holds
    /// the same bytes from an earlier upload: then that URL is reused, so a repeated request keeps its request key.
    /// With `upload: false` (a dry run) nothing reaches the provider and a file not uploaded before stands as
    /// `sha256:<hex>`.
    func resolveLocalFiles(_ input: [String: JSONValue], schema: RequestSchema, upload: Bool) async
        throws(SubmissionError) -> ResolvedInput
    {
        let references = schema.mediaInputs(in: input) { $0.hasPrefix(InlineFile.prefix) }
        guard !references.isEmpty else { return ResolvedInput(input: input, storedFiles: [:]) }
        var replacements: [String: String] = [:]
        var storedFiles: [String: String] = [:]
        for reference in references where replacements[reference.value] == nil {
            guard let file = InlineFile(dataURI: reference.value) else {
                throw .invalidInput([FieldProblem(field: reference.field,
                                                  problem: "is not a valid base64 data URI (data:<type>;base64,<bytes>)")])
            }
            guard file.bytes.count <= settings.maxInlineFileBytes else {
                throw .invalidInput([FieldProblem(
                    field: reference.field, problem: "is a \(file.bytes.count)-byte file; inline files may be at most "
                        + "\(settings.maxInlineFileBytes) bytes (put larger ones where the provider can fetch them)")])
            }
            let asset: Asset
            do { asset = try storeInlineFile(file) } catch { throw .storage("cannot store the file: \(error)") }
            let url: String
            if let reusable = try? database.reusableUpload(sha256: asset.sha256, now: now()) {
                url = reusable.publicURL
            } else if upload {
                url = try await uploadToProvider(asset)
            } else {
                url = "sha256:\(asset.sha256)"
            }
            replacements[reference.value] = url
            storedFiles[url] = asset.sha256
        }
        let resolved = schema.replacingMediaInputs(in: input) { replacements[$0] }
        return ResolvedInput(input: resolved, storedFiles: storedFiles)
    }

    /// Stores the bytes in the blob store (once per content) and records what they are.
    private func storeInlineFile(_ file: InlineFile) throws -> Asset {
        let sha256 = SHA256.hash(data: file.bytes).lowercaseHex
        let tempFile = blobs.partialFile(for: "inline-\(sha256)")
        try file.bytes.write(to: tempFile, options: .atomic)
        let media = try? MediaProbe.inspect(fileAt: tempFile)
        let sniffed = media == nil ? MediaSniffer.sniff(fileAt: tempFile) : nil
        let asset = Asset(
            sha256: sha256, size: Int64(file.bytes.count),
            contentType: media?.contentType ?? sniffed?.contentType ?? file.contentType,
            durationSeconds: media?.durationSeconds, width: media?.width ?? sniffed?.width,
            height: media?.height ?? sniffed?.height, videoCodec: media?.videoCodec, hasAudio: media?.hasAudio,
            storedAt: now())
        try database.recordLocalFile(asset) { try blobs.commit(tempFile: tempFile, sha256: sha256) }
        return asset
    }

    /// The presigned upload flow: ask where, PUT the stored bytes there, remember the public URL for reuse.
    private func uploadToProvider(_ asset: Asset) async throws(SubmissionError) -> String {
        do {
            let presigned = try await provider.presignUpload(PresignRequest(contentType: asset.contentType))
            try await provider.upload(presigned, contentType: asset.contentType, fileAt: blobs.url(for: asset.sha256))
            try? database.recordUpload(ProviderUpload(
                sha256: asset.sha256, uploadID: presigned.id, publicURL: presigned.publicURL, uploadedAt: now(),
                reuseUntil: now().addingTimeInterval(settings.uploadReuse.seconds)))
            logger.info("uploaded a local file", metadata: ["sha256": "\(asset.sha256)", "bytes": "\(asset.size)"])
            return presigned.publicURL
        } catch {
            throw .upload(error)
        }
    }
}
