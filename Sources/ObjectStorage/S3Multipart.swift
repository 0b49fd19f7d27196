import Crypto
import Foundation
import HTTPTypes
import Transport

/// Multipart uploads for large files, resumable after a crash: an upload in progress for the key is found again
/// (ListMultipartUploads), the parts the store already holds with the same bytes are kept (ListParts, compared by
/// checksum or MD5 ETag), only the rest are sent. Each part carries its own SHA-256, which the store verifies.
extension S3Client {
    /// A part of a multipart upload: its number (from 1), the bytes of the file it carries, and what the store
    /// answered for it.
    struct Part: Sendable, Equatable {
        var number: Int
        var etag: String
        var checksumSHA256: String?
        var size: Int64
    }

    /// Uploads `file` as `key` in parts of about `partSize` bytes (fewer than 1,000 parts), resuming an upload
    /// left unfinished for the same key.
    public func putMultipart(file: URL, key: String, sha256: String, size: Int64, partSize: Int64) async throws {
        let partSize = max(partSize, (size + 998) / 999, 5 << 20)
        let ranges = stride(from: Int64(0), to: size, by: Int(partSize)).map { $0..<min($0 + partSize, size) }
        let unfinished = try await unfinishedUpload(key)
        let uploadID = if let unfinished { unfinished } else { try await createUpload(key, sha256: sha256) }
        let held = Dictionary(try await parts(key, uploadID: uploadID).map { ($0.number, $0) }) { first, _ in first }
        var completed: [Part] = []
        for (index, range) in ranges.enumerated() {
            let digests = try Self.digests(of: file, range: range)
            if let part = held[index + 1], part.size == Int64(range.count),
                part.checksumSHA256.map({ $0 == digests.sha256 }) ?? (part.etag == digests.md5)
            {
                completed.append(part)
                continue
            }
            completed.append(
                try await uploadPart(file, range: range, key: key, uploadID: uploadID, number: index + 1, digests: digests))
        }
        try await complete(key, uploadID: uploadID, parts: completed)
    }

    /// An upload begun and never completed: its key (without the location's prefix), id and start.
    public struct UnfinishedUpload: Sendable, Equatable {
        public var key: String
        public var uploadID: String
        public var initiated: Date?
    }

    /// Uploads begun under `prefix` and never completed (the first 1,000).
    public func unfinishedUploads(prefix: String = "") async throws -> [UnfinishedUpload] {
        let query = Self.queryText([("prefix", location.prefix + prefix), ("uploads", "")])
        let response = try await send("GET", location.bucketURL(query: query))
        try Self.check(response, "list uploads under \(prefix)")
        let xml = String(decoding: response.body, as: UTF8.self)
        return S3ListingParser.elements("Upload", in: xml[...]).compactMap { upload in
            guard let key = S3ListingParser.first("Key", in: upload), key.hasPrefix(location.prefix),
                let id = S3ListingParser.first("UploadId", in: upload)
            else { return nil }
            return UnfinishedUpload(
                key: String(key.dropFirst(location.prefix.count)), uploadID: id,
                initiated: S3ListingParser.first("Initiated", in: upload).flatMap { try? Date.lastModified.parse($0) })
        }
    }

    /// The id of an upload begun for exactly `key` and never completed, if any.
    func unfinishedUpload(_ key: String) async throws -> String? {
        try await unfinishedUploads(prefix: key).first { $0.key == key }?.uploadID
    }

    func createUpload(_ key: String, sha256: String) async throws -> String {
        let response = try await send(
            "POST", location.url(forKey: key, query: "uploads="),
            headers: ["x-amz-checksum-algorithm": "SHA256", "content-type": "application/octet-stream"])
        try Self.check(response, "start uploading \(key)")
        guard let id = S3ListingParser.first("UploadId", in: String(decoding: response.body, as: UTF8.self)) else {
            throw S3Error(status: response.status, code: "", message: "the store gave no upload id for \(key)")
        }
        return id
    }

    /// The parts the store holds for an upload (first 1,000: uploads are cut into fewer).
    func parts(_ key: String, uploadID: String) async throws -> [Part] {
        let response = try await send("GET", location.url(forKey: key, query: Self.queryText([("uploadId", uploadID)])))
        try Self.check(response, "list parts of \(key)")
        let xml = String(decoding: response.body, as: UTF8.self)
        return S3ListingParser.elements("Part", in: xml[...]).compactMap { part in
            guard let number = S3ListingParser.first("PartNumber", in: part).flatMap(Int.init),
                let etag = S3ListingParser.first("ETag", in: part), let size = S3ListingParser.first("Size", in: part).flatMap(Int64.init)
            else { return nil }
            return Part(
                number: number, etag: Self.unquoted(etag), checksumSHA256: S3ListingParser.first("ChecksumSHA256", in: part),
                size: size)
        }
    }

    func uploadPart(
        _ file: URL, range: Range<Int64>, key: String, uploadID: String, number: Int, digests: (sha256: String, md5: String, hex: String)
    ) async throws -> Part {
        let url = location.url(forKey: key, query: Self.queryText([("partNumber", String(number)), ("uploadId", uploadID)]))
        let headers = ["x-amz-checksum-sha256": digests.sha256]
        var request = HTTPRequest(
            method: "PUT", url: url.absoluteString, bodyFile: file, timeout: .seconds(60 + Int(range.count >> 20)))
        request.bodyFileRange = range
        request.headers =
            location.signer.signedHeaders(method: "PUT", url: url, headers: headers, payloadHash: digests.hex, now: now())
            + headers.map { ($0.key, $0.value) }
        let response = try await transport.send(request, maxBodyBytes: 64 << 10)
        try Self.check(response, "PUT part \(number) of \(key)")
        guard let etag = response.headers[.eTag] else {
            throw S3Error(status: response.status, code: "", message: "the store gave no ETag for part \(number) of \(key)")
        }
        return Part(number: number, etag: Self.unquoted(etag), checksumSHA256: digests.sha256, size: Int64(range.count))
    }

    private func complete(_ key: String, uploadID: String, parts: [Part]) async throws {
        let body = parts.map { part in
            "<Part><PartNumber>\(part.number)</PartNumber><ETag>\"\(part.etag)\"</ETag>"
                + (part.checksumSHA256.map { "<ChecksumSHA256>\($0)</ChecksumSHA256>" } ?? "") + "</Part>"
        }.joined()
        let response = try await send(
            "POST", location.url(forKey: key, query: Self.queryText([("uploadId", uploadID)])),
            headers: ["content-type": "application/xml"],
            body: Data("<CompleteMultipartUpload>\(body)</CompleteMultipartUpload>".utf8))
        try Self.check(response, "complete \(key)")
        // S3 may answer 200 and put the failure in the body.
        let answer = String(decoding: response.body.prefix(4096), as: UTF8.self)
        if answer.contains("<Error>") {
            throw S3Error(
                status: response.status, code: S3ListingParser.first("Code", in: answer) ?? "",
                message: "complete \(key): \(S3ListingParser.first("Message", in: answer) ?? "refused")")
        }
    }

    /// Gives up an upload (its parts are freed).
    public func abortUpload(_ key: String, uploadID: String) async throws {
        let response = try await send("DELETE", location.url(forKey: key, query: Self.queryText([("uploadId", uploadID)])))
        try Self.check(response, "abort \(key)")
    }

    /// The part's SHA-256 (base64, as S3 sends it), MD5 (hex, a plain ETag) and SHA-256 (hex, the signed payload).
    static func digests(of file: URL, range: Range<Int64>) throws -> (sha256: String, md5: String, hex: String) {
        let handle = try FileHandle(forReadingFrom: file)
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(range.lowerBound))
        var sha = SHA256()
        var md5 = Insecure.MD5()
        var remaining = Int64(range.count)
        while remaining > 0, let chunk = try handle.read(upToCount: Int(min(remaining, 1 << 20))), !chunk.isEmpty {
            sha.update(data: chunk)
            md5.update(data: chunk)
            remaining -= Int64(chunk.count)
        }
        guard remaining == 0 else { throw S3Error(status: 0, code: "", message: "the file is shorter than expected") }
        let digest = sha.finalize()
        return (Data(digest).base64EncodedString(), md5.finalize().lowercaseHex, digest.lowercaseHex)
    }

    private static func unquoted(_ etag: String) -> String { etag.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
}
