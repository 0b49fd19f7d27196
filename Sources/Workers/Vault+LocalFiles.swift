import Blobs
import Crypto
import EachLabs
import Foundation
import Media
import Storage
import Transport

/// A file sent inline with a request as a `data:<type>;base64,<bytes>` URI (the API's base64 form; the CLI's
/// `--input image_url=@./photo.jpg` sends one). The declared type must be a media type (RFC 9110) but is not kept:
/// what the file is comes from its bytes.
public struct InlineFile: Sendable {
    public var bytes: Data

    static let prefix = "data:"

    /// Parses a base64 data URI; nil when `text` is not one.
    public init?(dataURI text: String) {
        guard text.hasPrefix(Self.prefix), let comma = text.firstIndex(of: ",") else { return nil }
        let header = text[text.index(text.startIndex, offsetBy: Self.prefix.count)..<comma]
        let parameters = header.split(separator: ";", omittingEmptySubsequences: false)
        guard parameters.count >= 2, parameters.last == "base64",
            parameters[0].isEmpty || HTTPSyntax.mediaTypeEssence(of: parameters[0]) != nil,
            let bytes = Data(base64Encoded: String(text[text.index(after: comma)...]), options: .ignoreUnknownCharacters)
        else { return nil }
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
    /// The prefix of a reference to a file the team already holds (uploaded, or an input or output of one of its
    /// generations): `sha256:<64 hex>`.
    static let fileReferencePrefix = "sha256:"

    /// Replaces every local file among the media inputs by a URL the provider can fetch: inline files (base64 data
    /// URIs) are stored first (content-addressed); references to files the team holds (`sha256:<hex>`) are looked
    /// up. Each is sent through the provider's presigned upload flow, streamed from the blob store, unless the
    /// provider already holds the same bytes from an earlier upload for this team: then that URL is reused, so a
    /// repeated request keeps its request key (another team's upload is never reused, nor seen by a dry run). With `upload: false` (a dry run) nothing reaches the provider and a file not uploaded
    /// before stands as `sha256:<hex>`.
    func resolveLocalFiles(_ input: [String: JSONValue], schema: RequestSchema, teamID: String, upload: Bool)
        async
        throws(SubmissionError) -> ResolvedInput
    {
        let references = schema.mediaInputs(in: input) {
            $0.hasPrefix(InlineFile.prefix) || $0.hasPrefix(Self.fileReferencePrefix)
        }
        guard !references.isEmpty else { return ResolvedInput(input: input, storedFiles: [:]) }
        var replacements: [String: String] = [:]
        var storedFiles: [String: String] = [:]
        for reference in references where replacements[reference.value] == nil {
            let sha256: String
            let url: String
            if upload {
                let asset = try await localFile(reference, teamID: teamID)
                sha256 = asset.sha256
                if let reusable = await reusableUploadURL(sha256, teamID: teamID) {
                    url = reusable
                } else {
                    url = try await uploadToProvider(asset, teamID: teamID)
                }
            } else {  // a dry run stores nothing: an inline file is only checked and named by its digest
                sha256 = try await digest(of: reference, teamID: teamID)
                url = await reusableUploadURL(sha256, teamID: teamID) ?? Self.fileReferencePrefix + sha256
            }
            replacements[reference.value] = url
            storedFiles[url] = sha256
        }
        let resolved = schema.replacingMediaInputs(in: input) { replacements[$0] }
        return ResolvedInput(input: resolved, storedFiles: storedFiles)
    }

    /// The public URL of an earlier upload of these bytes for the team that the provider still holds.
    private func reusableUploadURL(_ sha256: String, teamID: String) async -> String? {
        await (try? store.reusableUpload(sha256: sha256, teamID: teamID, now: now()))?.publicURL
    }

    /// The stored file a local-file reference stands for (an inline file is stored now, as one of the team's files,
    /// so a collection cannot take it while it is sent to the provider), or why it is refused.
    private func localFile(_ reference: MediaInputReference, teamID: String) async throws(SubmissionError) -> Asset {
        if reference.value.hasPrefix(Self.fileReferencePrefix) { return try await heldFile(reference, teamID: teamID) }
        let file = try inlineFile(reference)
        do {
            let sha256 = SHA256.hash(data: file.bytes).lowercaseHex
            let tempFile = blobs.partialFile(for: "inline-\(sha256)-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: tempFile) }  // gone once stored; removed on failure
            try file.bytes.write(to: tempFile, options: .atomic)
            return try await storeLocalFile(tempFile, sha256: sha256, size: Int64(file.bytes.count), teamID: teamID)
        } catch {
            throw .storage("cannot store the file: \(error)")
        }
    }

    /// The digest a local-file reference stands for, checked but stored nowhere (dry runs).
    private func digest(of reference: MediaInputReference, teamID: String) async throws(SubmissionError) -> String {
        if reference.value.hasPrefix(Self.fileReferencePrefix) { return try await heldFile(reference, teamID: teamID).sha256 }
        return SHA256.hash(data: try inlineFile(reference).bytes).lowercaseHex
    }

    /// A `sha256:<hex>` reference to a file the team holds.
    private func heldFile(_ reference: MediaInputReference, teamID: String) async throws(SubmissionError) -> Asset {
        let sha256 = String(reference.value.dropFirst(Self.fileReferencePrefix.count)).lowercased()
        guard sha256.isSHA256Hex, let asset = try? await store.asset(sha256: sha256, teamID: teamID),
            await blobs.contains(sha256)
        else {
            throw Self.refusal(
                reference,
                "refers to no file of the team's archive (sha256:<64 hex> of an upload or a "
                    + "stored file)")
        }
        if let problem = Self.kindProblem(MediaKind(field: reference.field), contentType: asset.contentType) {
            throw Self.refusal(reference, "refers to a file that " + problem)
        }
        return asset
    }

    /// A `data:` URI's file, within the inline size limit.
    private func inlineFile(_ reference: MediaInputReference) throws(SubmissionError) -> InlineFile {
        guard let file = InlineFile(dataURI: reference.value) else {
            throw Self.refusal(reference, "is not a valid base64 data URI (data:<type>;base64,<bytes>)")
        }
        guard file.bytes.count <= settings.maxInlineFileBytes else {
            throw Self.refusal(
                reference,
                "is a \(file.bytes.count)-byte file; inline files may be at most "
                    + "\(settings.maxInlineFileBytes) bytes (upload larger ones with POST /v1/uploads and pass sha256:<hex>)")
        }
        let sniffed = MediaSniffer.sniff(file.bytes.prefix(64))?.contentType
        if let problem = Self.kindProblem(MediaKind(field: reference.field), contentType: sniffed) {
            throw Self.refusal(reference, "holds a file that " + problem)
        }
        return file
    }

    private static func refusal(_ reference: MediaInputReference, _ problem: String) -> SubmissionError {
        .invalidInput([FieldProblem(field: reference.field, problem: problem)])
    }

    /// Stores a complete temp file in the blob store and records what it is: its true media type read from its
    /// bytes (an MP4's duration, size and codecs; an image's type and, for PNG, size), else
    /// `application/octet-stream`: a declared type is never trusted (it would be served back as the file's type).
    /// With `teamID` it becomes one of the team's uploads.
    public func storeLocalFile(_ tempFile: URL, sha256: String, size: Int64, teamID: String?) async throws -> Asset {
        let asset =
            (try? Asset.describing(
                fileAt: tempFile, sha256: sha256, size: size, videoOnly: false,
                storedAt: now()))
            ?? Asset(
                sha256: sha256, size: size, contentType: Asset.opaqueContentType,
                durationS: nil, width: nil, height: nil, videoCodec: nil, hasAudio: nil, storedAt: now())
        try await blobs.keep(tempFile, sha256: sha256, size: size) {
            try await store.recordLocalFile(asset, teamID: teamID, now: now())
        }
        if let teamID { storageUsage.forget(teamID) }  // an upload counts toward the team's storage at once
        postersDue.signal()
        return asset
    }

    /// The presigned upload flow: ask where, PUT the stored bytes there (streamed), remember the public URL.
    private func uploadToProvider(_ asset: Asset, teamID: String) async throws(SubmissionError) -> String {
        do {
            let presigned = try await provider.presignUpload(PresignRequest(contentType: asset.contentType))
            try await blobs.withLocalFile(asset.sha256) { file in
                try await provider.upload(presigned, contentType: asset.contentType, fileAt: file)
            }
            try? await store.recordUpload(
                ProviderUpload(
                    teamID: teamID, sha256: asset.sha256, uploadID: presigned.id, publicURL: presigned.publicURL, uploadedAt: now(),
                    reuseUntil: now().addingTimeInterval(settings.uploadReuse.seconds)))
            logger.info("uploaded a local file", metadata: ["sha256": "\(asset.sha256)", "bytes": "\(asset.size)"])
            return presigned.publicURL
        } catch let error as ProviderError {
            throw .upload(error)
        } catch {
            throw .storage("cannot read the stored file: \(error)")
        }
    }
}
